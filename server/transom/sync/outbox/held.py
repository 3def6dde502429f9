"""Writes held back by a tenant's broken credentials, and their release.

When Entra ID or Graph refuses the tenant's app (expired or wrong secret, no
admin consent), retrying cannot help: the outbox parks the tenant's writes as
HELD and marks the tenant's connection with a message, code and hint. When an
admin saves working credentials (``connectTenant``) or a connection test finds
them healthy again, :func:`release_held` makes the held writes due at once
(``SyncService.test_connection`` calls :func:`resume_tenant_writes`).

An attempt runs with the credentials it loaded. When it is refused after an
admin saved new ones (or, held only because the tenant was blocked, after the
connection works again), holding it would outlive the release that already
ran: :func:`tenant_to_hold` says so, and the write runs again at once instead.
Saving credentials takes the same tenant row lock, so the two never interleave.

:func:`mark_tenant_auth_failure` and :func:`release_held` only change the
session; the caller commits (and so decides what else belongs to the same
transaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import absences as absence_repo
from transom.db import models
from transom.db import outbox as outbox_repo
from transom.db.engine import Sessions
from transom.db.tenants import lock_tenant
from transom.domain.connection import is_blocking
from transom.graph import GraphAuthError
from transom.pubsub import OUTBOX_CHANNEL, Bus
from transom.sync.connection import apply_report, report_for_error
from transom.sync.credentials import credentials_fingerprint
from transom.sync.outbox import settle
from transom.sync.outbox.settle import Failure


async def mark_tenant_auth_failure(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    error: GraphAuthError,
    now: datetime,
) -> None:
    """Record why the tenant's app was refused and park its pending writes."""
    report = report_for_error(error)
    apply_report(tenant, report, now)
    await outbox_repo.hold_tenant(session, tenant_id=tenant.id)
    await absence_repo.hold_parked(
        session,
        tenant_id=tenant.id,
        message=report.message,
        code=report.code,
        hint=report.hint,
    )


async def tenant_to_hold(
    session: AsyncSession, *, attempted: models.Tenant, refused: bool
) -> models.Tenant | None:
    """The tenant row, locked, when holding the attempt's writes is still right.

    ``attempted`` is the tenant as the attempt loaded it; ``refused`` whether
    Entra ID or Graph refused its credentials (else the attempt was held only
    because the tenant was blocked). None: new credentials were saved since,
    or the connection works again; run the writes again at once.
    """
    row = await lock_tenant(session, attempted.id)
    if row is None:
        return None
    if credentials_fingerprint(row) != credentials_fingerprint(attempted):
        return None
    if not refused and not writes_are_held(row):
        return None
    return row


async def hold_or_run_again(
    session: AsyncSession,
    *,
    attempted: models.Tenant,
    error: GraphAuthError | None,
    item_ids: Sequence[str],
    now: datetime,
) -> Failure | None:
    """Decide, under the tenant's lock, what becomes of writes that were refused
    (``error``) or found the tenant blocked (None).

    Holding still right: the tenant is marked (when refused) and the failure
    to hold the writes with is returned. Otherwise the writes are due again at
    once and None is returned (wake the writer after committing).
    """
    row = await tenant_to_hold(session, attempted=attempted, refused=error is not None)
    if row is None:
        for item_id in item_ids:
            await settle.reschedule(
                session, item_id=item_id, delay=timedelta(0), failure=None, now=now
            )
        return None
    if error is None:
        return Failure.blocked(row)
    await mark_tenant_auth_failure(session, tenant=row, error=error, now=now)
    return Failure.of(error)


def writes_are_held(tenant: models.Tenant) -> bool:
    """Whether the tenant's connection needs an admin before writes can run
    (expired or invalid credentials, missing consent, or not connected at all)."""
    return is_blocking(tenant.connection_status)


async def release_held(session: AsyncSession, *, tenant_id: str, now: datetime) -> int:
    """Make the tenant's HELD writes due now; call after credentials work again.

    Returns how many were released. Wake the outbox worker after committing.
    """
    await absence_repo.release_held(session, tenant_id=tenant_id)
    return await outbox_repo.release_tenant(session, tenant_id=tenant_id, now=now)


async def resume_tenant_writes(
    sessions: Sessions, bus: Bus, *, tenant_id: str, now: datetime
) -> int:
    """After a successful connection test: release HELD writes and wake workers."""
    async with sessions() as session:
        released = await release_held(session, tenant_id=tenant_id, now=now)
        await session.commit()
    if released:
        await bus.publish(OUTBOX_CHANNEL, {"type": "outbox"})
    return released
