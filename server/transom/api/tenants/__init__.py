"""Tenants: the tenant type, its Microsoft 365 connection and its settings."""
