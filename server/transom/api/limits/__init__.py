"""Bounded work: text the database cannot store, and query cost."""
