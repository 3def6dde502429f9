"""The audit log's rows: record, prune, page through and export them.

Entries are written in the transaction of the change they record when there is
one (the outbox), or right after it (a mutation's recorder). Pruning happens on
write: every recording deletes what is older than the retention
(``TRANSOM_AUDIT_RETENTION_DAYS``), so no background task is needed and every
process prunes alike; the ``at`` index keeps it cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db.pages import Page, fetch_page
from transom.domain.audit import ActorKind, AuditTarget

SESSION_PREFIX = "admin-session:"
MAX_EXPORT = 100_000


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str | None
    label: str


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list; None leaves a criterion out.

    ``tenant_id`` None lists every tenant's (superadmins only: the API scopes it).
    ``actor`` and ``target`` match part of the name, case-insensitively.
    """

    tenant_id: str | None = None
    actor: str | None = None
    action: str | None = None
    target_id: str | None = None
    target: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def add_entry(
    session: AsyncSession,
    *,
    at: datetime,
    tenant_id: str | None,
    actor: Actor,
    action: str,
    target: AuditTarget | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> models.AuditEntry:
    row = models.AuditEntry(
        at=at,
        tenant_id=tenant_id,
        actor_kind=actor.kind.value,
        actor_id=actor.id,
        actor=actor.label[:320],
        action=action[:64],
        target_type=target.type[:64] if target else None,
        target_id=target.id[:64] if target and target.id else None,
        target_name=target.name[:320] if target and target.name else None,
        before=before or None,
        after=after or None,
    )
    session.add(row)
    return row


async def prune(session: AsyncSession, *, before: datetime) -> int:
    """Delete entries older than ``before``; how many."""
    result = await session.execute(
        delete(models.AuditEntry)
        .where(models.AuditEntry.at < before)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def actor_of(session: AsyncSession, credential: str) -> Actor:
    """Who a ``Viewer.token_id`` is: an admin's e-mail or an API token's name."""
    if credential.startswith(SESSION_PREFIX):
        session_id = credential.removeprefix(SESSION_PREFIX)
        found = (
            await session.execute(
                select(models.AdminUser.id, models.AdminUser.email)
                .join(
                    models.AdminSession,
                    models.AdminSession.admin_user_id == models.AdminUser.id,
                )
                .where(models.AdminSession.id == session_id)
            )
        ).first()
        if found is not None:
            return Actor(ActorKind.ADMIN, found[0], found[1])
        return Actor(ActorKind.ADMIN, None, "an admin (signed out)")
    token = await session.get(models.ApiToken, credential)
    name = token.name if token is not None and token.name else None
    label = f"API token {name}" if name else f"API token {credential[:8]}"
    return Actor(ActorKind.TOKEN, credential, label)


def _filtered(wanted: AuditFilter) -> Select[models.AuditEntry]:
    entry = models.AuditEntry
    stmt = select(entry)
    if wanted.tenant_id is not None:
        stmt = stmt.where(entry.tenant_id == wanted.tenant_id)
    if wanted.actor:
        stmt = stmt.where(
            func.lower(entry.actor).contains(wanted.actor.lower(), autoescape=True)
        )
    if wanted.action:
        stmt = stmt.where(entry.action == wanted.action)
    if wanted.target_id:
        stmt = stmt.where(entry.target_id == wanted.target_id)
    if wanted.target:
        stmt = stmt.where(
            func.lower(entry.target_name).contains(
                wanted.target.lower(), autoescape=True
            )
        )
    if wanted.start is not None:
        stmt = stmt.where(entry.at >= wanted.start)
    if wanted.end is not None:
        stmt = stmt.where(entry.at < wanted.end)
    return stmt


async def page_entries(
    session: AsyncSession, wanted: AuditFilter, *, first: int, after: str | None
) -> Page[models.AuditEntry]:
    """Newest first."""
    order = [models.AuditEntry.at, models.AuditEntry.id]
    return await fetch_page(
        session, _filtered(wanted), order, first=first, after=after, descending=True
    )


async def export_entries(
    session: AsyncSession, wanted: AuditFilter, *, limit: int = MAX_EXPORT
) -> Sequence[models.AuditEntry]:
    """Every matching entry, newest first (at most ``limit``)."""
    stmt = _filtered(wanted).order_by(
        models.AuditEntry.at.desc(), models.AuditEntry.id.desc()
    )
    return (await session.scalars(stmt.limit(limit))).all()


async def tenant_names(
    session: AsyncSession, tenant_ids: set[str | None]
) -> dict[str, str]:
    """Tenant id → name, for the ids given (deleted tenants are left out)."""
    wanted = [t for t in tenant_ids if t]
    if not wanted:
        return {}
    rows = await session.execute(
        select(models.Tenant.id, models.Tenant.name).where(models.Tenant.id.in_(wanted))
    )
    return {str(tenant_id): str(name) for tenant_id, name in rows.all()}
