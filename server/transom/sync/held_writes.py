"""Writes held back by a tenant's broken credentials, and their release.

When Entra ID or Graph refuses the tenant's app (expired or wrong secret, no
admin consent), retrying cannot help: the outbox parks the tenant's writes as
HELD and marks the tenant's connection with a message, code and hint. When an
admin saves working credentials (``connectTenant``) or a connection check finds
them healthy again, :func:`release_held` makes the held writes due at once.

Both functions only change the session; the caller commits (and so decides
what else belongs to the same transaction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db import outbox as outbox_repo
from transom.domain.connection import ConnectionStatus, is_blocking
from transom.graph import GraphAuthError, GraphAuthKind

_STATUS_OF_KIND = {
    GraphAuthKind.SECRET_EXPIRED: ConnectionStatus.SECRET_EXPIRED,
    GraphAuthKind.INVALID_CREDENTIALS: ConnectionStatus.INVALID_CREDENTIALS,
    GraphAuthKind.TENANT_NOT_FOUND: ConnectionStatus.INVALID_CREDENTIALS,
    GraphAuthKind.APP_NOT_FOUND: ConnectionStatus.INVALID_CREDENTIALS,
    GraphAuthKind.CONSENT_MISSING: ConnectionStatus.CONSENT_MISSING,
}


def connection_status_for(error: GraphAuthError) -> ConnectionStatus:
    """The tenant status an auth failure means (ERROR when Entra ID gave no reason)."""
    return _STATUS_OF_KIND.get(error.kind, ConnectionStatus.ERROR)


async def mark_tenant_auth_failure(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    error: GraphAuthError,
    now: datetime,
) -> None:
    """Record why the tenant's app was refused and park its pending writes."""
    tenant.connection_status = connection_status_for(error).value
    tenant.connection_message = error.message
    tenant.connection_code = (
        f"AADSTS{error.aadsts_code}" if error.aadsts_code else error.code
    )
    tenant.connection_hint = error.hint
    tenant.connection_checked_at = now
    await outbox_repo.hold_tenant(session, tenant_id=tenant.id)


def writes_are_held(tenant: models.Tenant) -> bool:
    """Whether the tenant's connection needs an admin before writes can run
    (expired or invalid credentials, missing consent, or not connected at all)."""
    return is_blocking(tenant.connection_status)


async def release_held(session: AsyncSession, *, tenant_id: str, now: datetime) -> int:
    """Make the tenant's HELD writes due now; call after credentials work again.

    Returns how many were released. Wake the outbox worker after committing.
    """
    return await outbox_repo.release_tenant(session, tenant_id=tenant_id, now=now)
