"""Starlette routes that serve the two browser clients' files: ``admin`` (the
admin UI from ``web/``) and ``signage`` (the door display from ``signage/``)."""

from transom.pages.admin import admin_routes
from transom.pages.signage import signage_routes

__all__ = ["admin_routes", "signage_routes"]
