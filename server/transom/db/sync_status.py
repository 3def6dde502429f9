"""Read side of the sync engine's state for the API: per-room status, the sync log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models


async def states_for_rooms(
    session: AsyncSession, *, room_ids: Sequence[str]
) -> dict[str, models.MailboxSyncState]:
    rows = await session.scalars(
        select(models.MailboxSyncState).where(
            models.MailboxSyncState.room_id.in_(room_ids)
        )
    )
    return {row.room_id: row for row in rows.all() if row.room_id}


async def states_of_tenant(
    session: AsyncSession, *, tenant_id: str
) -> list[models.MailboxSyncState]:
    rows = await session.scalars(
        select(models.MailboxSyncState).where(
            models.MailboxSyncState.tenant_id == tenant_id
        )
    )
    return list(rows.all())


async def sync_log(
    session: AsyncSession, *, tenant_id: str, limit: int, include_resolved: bool = False
) -> list[models.SyncLogEntry]:
    """Newest first; without ``include_resolved`` only entries that still hold."""
    stmt = select(models.SyncLogEntry).where(models.SyncLogEntry.tenant_id == tenant_id)
    if not include_resolved:
        stmt = stmt.where(models.SyncLogEntry.resolved_at.is_(None))
    rows = await session.scalars(
        stmt.order_by(
            models.SyncLogEntry.created_at.desc(), models.SyncLogEntry.id
        ).limit(limit)
    )
    return list(rows.all())
