"""Absences: registrations from HR systems and the tenant's absence policy."""
