"""Persistence: the ORM models, the engine and one repository module per aggregate."""
