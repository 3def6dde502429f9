"""Sync-log warnings about notifications, and resolving them when their cause is gone.

A warning carries a ``cause`` (``transom.domain.sync_health.LogCause``): the
polling fallback (resolved once the mailbox has a subscription) or doubts about
notifications (resolved when they are seen to arrive again). Resolved entries
keep their text and get ``resolved_at``; the Sync log shows open ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.sync_health import LogCause


def notification_warning(
    state: models.MailboxSyncState, message: str
) -> models.SyncLogEntry:
    """A warning that notifications are not known to arrive for ``state``."""
    return models.SyncLogEntry(
        tenant_id=state.tenant_id,
        room_id=state.room_id,
        mailbox=state.mailbox,
        level="WARNING",
        code="NOTIFICATIONS_MISSED",
        message=message,
        hint="Changes are still read by the hourly reconciliation round. This "
        "clears when notifications arrive again; if it stays, check that "
        "Microsoft Graph can reach TRANSOM_PUBLIC_URL.",
        cause=LogCause.NOTIFICATIONS.value,
    )


async def resolve_log(
    session: AsyncSession,
    *,
    state: models.MailboxSyncState,
    causes: Iterable[LogCause],
    now: datetime,
) -> None:
    """Mark the mailbox's open warnings with one of ``causes`` resolved."""
    await session.execute(
        update(models.SyncLogEntry)
        .where(
            models.SyncLogEntry.tenant_id == state.tenant_id,
            models.SyncLogEntry.mailbox == state.mailbox,
            models.SyncLogEntry.cause.in_([c.value for c in causes]),
            models.SyncLogEntry.resolved_at.is_(None),
        )
        .values(resolved_at=now)
    )
