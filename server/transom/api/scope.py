"""Tenant scoping shared by the resolvers."""

from __future__ import annotations

from transom.domain.access import Viewer
from transom.domain.errors import NotFoundError


def tenant_scope(viewer: Viewer, requested: str | None) -> str | None:
    """The tenant a list is limited to: the viewer's own tenant, or for a
    superadmin the one asked for (None: every tenant). Asking for another
    tenant answers NOT_FOUND, as for any object of another tenant."""
    if viewer.is_superadmin:
        return requested
    if requested is not None and requested != viewer.tenant_id:
        raise NotFoundError.of("Tenant", requested)
    return viewer.tenant_id
