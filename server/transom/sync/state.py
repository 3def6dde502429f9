"""Persisted per-mailbox sync state (``models.MailboxSyncState``).

One row per (tenant, mailbox). What it holds and when it changes::

    delta_link        a nextLink (mid-round) or deltaLink (round done); saved in
                      the same transaction as the booking changes of its page
    round_started_at  set when a round starts without a link (full resync);
    round_full        True while that full resync runs; cleared by its last page
    window_start/end  the window the link covers; a new window -> full resync
    subscription_*    Graph subscription id, expiry and our clientState
    mode              NOTIFICATIONS | POLLING (why: ``last_error`` / sync log)
    status            MailboxStatus; last_error/error_code/error_hint explain it

Repositories take ``session`` and ``tenant_id`` keyword-only and never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.connection import MailboxStatus


async def state_for_room(
    session: AsyncSession, *, tenant_id: str, room: models.Room
) -> models.MailboxSyncState:
    """The room's state row, created on first use (keyed by its mailbox)."""
    assert room.mailbox_email, "only rooms with a mailbox have sync state"
    row = await session.scalar(
        select(models.MailboxSyncState).where(
            models.MailboxSyncState.tenant_id == tenant_id,
            models.MailboxSyncState.mailbox == room.mailbox_email,
        )
    )
    if row is None:
        row = models.MailboxSyncState(
            tenant_id=tenant_id,
            mailbox=room.mailbox_email,
            room_id=room.id,
            status=MailboxStatus.IDLE.value,
        )
        session.add(row)
        await session.flush()
    elif row.room_id != room.id:
        row.room_id = room.id
    return row


async def states_of_rooms(
    session: AsyncSession, *, tenant_id: str | None, room_ids: list[str]
) -> dict[str, models.MailboxSyncState]:
    stmt = select(models.MailboxSyncState).where(
        models.MailboxSyncState.room_id.in_(room_ids)
    )
    if tenant_id is not None:
        stmt = stmt.where(models.MailboxSyncState.tenant_id == tenant_id)
    rows = (await session.scalars(stmt)).all()
    return {row.room_id: row for row in rows if row.room_id}


async def subscriptions(
    session: AsyncSession,
) -> list[tuple[str, str, str | None]]:
    """(subscription id, room id, clientState) of every live subscription."""
    rows = await session.execute(
        select(
            models.MailboxSyncState.subscription_id,
            models.MailboxSyncState.room_id,
            models.MailboxSyncState.client_state,
        ).where(
            models.MailboxSyncState.subscription_id.is_not(None),
            models.MailboxSyncState.room_id.is_not(None),
        )
    )
    return [(str(s), str(r), c) for s, r, c in rows.all()]


def record_status(
    state: models.MailboxSyncState,
    status: MailboxStatus,
    *,
    error: str | None = None,
    code: str | None = None,
    hint: str | None = None,
) -> None:
    state.status = status.value
    state.last_error = error
    state.error_code = code
    state.error_hint = hint


def start_full_round(
    state: models.MailboxSyncState,
    *,
    window: tuple[datetime, datetime],
    started_at: datetime,
) -> None:
    """Forget the link: the next round reads the whole window (full resync)."""
    state.delta_link = None
    state.window_start, state.window_end = window
    state.round_started_at = started_at
    state.round_full = True


def add_log(
    session: AsyncSession,
    *,
    tenant_id: str,
    message: str,
    room_id: str | None = None,
    mailbox: str | None = None,
    level: str = "ERROR",
    code: str | None = None,
    hint: str | None = None,
) -> None:
    session.add(
        models.SyncLogEntry(
            tenant_id=tenant_id,
            room_id=room_id,
            mailbox=mailbox,
            level=level,
            code=code,
            message=message,
            hint=hint,
        )
    )
