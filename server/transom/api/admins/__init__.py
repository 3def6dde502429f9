"""Admin accounts: the admins list, creating accounts, roles, passwords, lockouts, removal."""
