"""Persisted per-mailbox sync state (``models.MailboxSyncState``).

One row per (tenant, mailbox). What it holds and when it changes::

    delta_link        a nextLink (mid-round) or deltaLink (round done); saved in
                      the same transaction as the booking changes of its page
    round_started_at  set when a round starts without a link (full resync);
    round_full        True while that full resync runs; cleared by its last page
    window_start/end  the window the link covers; a new window -> full resync
    subscription_*    Graph subscription id, expiry and our clientState
    mode              NOTIFICATIONS | POLLING (why: ``last_error`` / sync log)
    status            MailboxStatus; last_error/error_code/error_hint explain it;
                      status_since is when it last changed
    doubted_since     notifications not known to arrive since then (doubt says
                      why, doubt_kind what clears it: ``domain.sync_health``)

Repositories take ``session`` and ``tenant_id`` keyword-only and never commit.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.connection import MailboxStatus


async def state_for_room(
    session: AsyncSession, *, tenant_id: str, room: models.Room
) -> models.MailboxSyncState:
    """The room's state row, created on first use (keyed by its mailbox)."""
    assert room.mailbox_email, "only rooms with a mailbox have sync state"
    return await _state_for_mailbox(
        session, tenant_id=tenant_id, mailbox=room.mailbox_email, room_id=room.id
    )


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
    """(subscription id, owner key, clientState) of every live subscription;
    the owner key is the room id, or ``person:<id>`` (:func:`owner_key`)."""
    rows = await session.execute(
        select(
            models.MailboxSyncState.subscription_id,
            models.MailboxSyncState.room_id,
            models.MailboxSyncState.person_id,
            models.MailboxSyncState.client_state,
        ).where(models.MailboxSyncState.subscription_id.is_not(None))
    )
    return [
        (str(s), key, c) for s, r, p, c in rows.all() if (key := _key(r, p)) is not None
    ]


def owner_key(state: models.MailboxSyncState) -> str:
    """Whose loop a state row feeds: the room id, or ``person:<person id>``."""
    key = _key(state.room_id, state.person_id)
    assert key is not None, "a sync state belongs to a room or a person"
    return key


def person_key(person_id: str) -> str:
    return f"person:{person_id}"


def _key(room_id: str | None, person_id: str | None) -> str | None:
    if room_id:
        return room_id
    return person_key(person_id) if person_id else None


async def state_for_person(
    session: AsyncSession, *, tenant_id: str, person: models.Person
) -> models.MailboxSyncState:
    """The person's calendar state row, created on first use (keyed by mailbox)."""
    return await _state_for_mailbox(
        session, tenant_id=tenant_id, mailbox=person.primary_email, person_id=person.id
    )


async def _state_for_mailbox(
    session: AsyncSession,
    *,
    tenant_id: str,
    mailbox: str,
    room_id: str | None = None,
    person_id: str | None = None,
) -> models.MailboxSyncState:
    """The mailbox's state row, created on first use; it feeds the given owner."""
    row = await session.scalar(
        select(models.MailboxSyncState).where(
            models.MailboxSyncState.tenant_id == tenant_id,
            models.MailboxSyncState.mailbox == mailbox,
        )
    )
    if row is None:
        row = models.MailboxSyncState(
            tenant_id=tenant_id,
            mailbox=mailbox,
            room_id=room_id,
            person_id=person_id,
            status=MailboxStatus.IDLE.value,
        )
        session.add(row)
        await session.flush()
    if room_id is not None and row.room_id != room_id:
        row.room_id = room_id
    if person_id is not None and row.person_id != person_id:
        row.person_id = person_id
    return row


def record_status(
    state: models.MailboxSyncState,
    status: MailboxStatus,
    *,
    error: str | None = None,
    code: str | None = None,
    hint: str | None = None,
    now: datetime | None = None,
) -> None:
    if state.status != status.value or state.status_since is None:
        state.status_since = now or datetime.now(UTC)
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
