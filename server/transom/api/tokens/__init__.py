"""API tokens for HR systems and scripts: list, create (shown once), revoke."""
