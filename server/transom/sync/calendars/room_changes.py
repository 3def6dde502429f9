"""Apply room-calendar changes (one delta page) to the room's bookings.

Invariants:
- one booking row per room-calendar item (occurrences expanded; series masters
  are skipped), found by ``(room_id, graph_event_id)`` first, then by
  ``(room_id, ical_uid)``, then by the transaction id of the create that made
  it, so a booking Transom made (source TRANSOM/DISPLAY, PENDING) is completed
  in place instead of duplicated, whether or not the outbox has recorded the
  event yet (``sync.booking_claims``; the room is locked for the page);
  ``source`` never changes;
- a booking whose cancel or release is still on its way to Exchange stays
  CANCELLED while the room's calendar still shows it;
- applying the same page twice gives the same rows (replays are harmless);
- a removed or cancelled room copy keeps its row with state CANCELLED;
- a subject lookup that failed (``subjects`` maps the iCalUId to None) never
  overwrites the subject a row already has;
- every row an applied event touches gets ``updated_at = now``, which is how a
  full resync tells which rows Exchange no longer has (``cancel_unseen``).

State of a row from the room's copy: cancelled -> CANCELLED, declined ->
DECLINED, tentatively accepted / not responded -> PENDING, otherwise CONFIRMED.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db.rooms import lock_room
from transom.domain.bookings import BookingSource, BookingState
from transom.domain.calendar import CalendarEvent, EventType, ResponseKind
from transom.domain.connection import LinkState
from transom.sync.calendars.organizers import Organizers
from transom.sync.outbox.claims import (
    bookings_being_withdrawn,
    bookings_by_transaction,
)


@dataclass(frozen=True)
class RoomRef:
    id: str
    tenant_id: str
    mailbox: str


def booking_state(event: CalendarEvent) -> BookingState:
    if event.is_cancelled:
        return BookingState.CANCELLED
    if event.response is ResponseKind.DECLINED:
        return BookingState.DECLINED
    if event.response in (
        ResponseKind.TENTATIVELY_ACCEPTED,
        ResponseKind.NOT_RESPONDED,
    ):
        return BookingState.PENDING
    return BookingState.CONFIRMED


def booking_fields(
    event: CalendarEvent,
    *,
    room: RoomRef,
    organizers: Organizers,
    real_subject: str | None,
) -> dict[str, Any]:
    """Column values of the booking for one room-calendar item (pure)."""
    organizer = event.organizer
    address = organizer.address if organizer else ""
    is_room = address == room.mailbox.lower()
    known = organizers.knows(address) and not is_room
    return {
        "graph_event_id": event.id,
        "ical_uid": event.ical_uid,
        "start": event.start,
        "end": event.end,
        "subject": real_subject if real_subject is not None else event.subject,
        "organizer_name": organizer.name if organizer and known else None,
        "organizer_email": address if known else None,
        "is_anonymous": not known,
        "is_private": event.is_private,
        "series_id": event.series_master_id,
        "change_key": event.change_key,
        "state": booking_state(event).value,
    }


async def apply_events(
    session: AsyncSession,
    *,
    room: RoomRef,
    events: Iterable[CalendarEvent],
    organizers: Organizers,
    subjects: Mapping[str, str | None],
    now: datetime,
) -> int:
    """Upsert bookings for ``events``; the number of rows written."""
    latest = {e.id: e for e in events if e.type is not EventType.SERIES_MASTER}.values()
    if not latest:
        return 0
    await lock_room(session, room.id)
    if not await _still_linked(session, room):
        return 0  # unlinked meanwhile (by another process): its loop stops
    by_event, by_uid = await _existing(session, room.id, latest)
    by_transaction = await bookings_by_transaction(
        session,
        room_id=room.id,
        transaction_ids={
            e.transaction_id
            for e in latest
            if e.transaction_id and e.id not in by_event
        },
    )
    withdrawn = await bookings_being_withdrawn(
        session,
        booking_ids=[r.id for r in (*by_event.values(), *by_uid.values())]
        + [r.id for r in by_transaction.values()],
    )
    for event in latest:
        row = by_event.get(event.id) or _unlinked(by_uid, event.ical_uid, event.id)
        row = row or _unlinked(by_transaction, event.transaction_id, event.id)
        fields = booking_fields(
            event,
            room=room,
            organizers=organizers,
            real_subject=subjects.get(event.ical_uid or ""),
        )
        if row is not None and subjects.get(event.ical_uid or "", "") is None:
            fields.pop("subject")  # the real subject could not be read: keep it
        if row is None:
            row = models.Booking(
                tenant_id=room.tenant_id,
                room_id=room.id,
                source=BookingSource.OUTLOOK.value,
            )
            session.add(row)
        elif row.source != BookingSource.OUTLOOK.value and fields["is_anonymous"]:
            # Booked by Transom in the room calendar: the room is the organizer
            # in Exchange; the person Transom recorded stays the organizer.
            for key in ("organizer_name", "organizer_email", "is_anonymous"):
                fields.pop(key)
        if row.id in withdrawn:
            fields["state"] = BookingState.CANCELLED.value
        for key, value in fields.items():
            setattr(row, key, value)
        row.updated_at = now
        by_event[event.id] = row
    await session.flush()
    return len(latest)


async def _still_linked(session: AsyncSession, room: RoomRef) -> bool:
    row = (
        await session.execute(
            select(models.Room.link_state, models.Room.mailbox_email).where(
                models.Room.id == room.id
            )
        )
    ).first()
    return (
        row is not None
        and row.link_state == LinkState.VERIFIED
        and (row.mailbox_email or "").lower() == room.mailbox.lower()
    )


def _unlinked(
    rows: Mapping[str, models.Booking], key: str | None, event_id: str
) -> models.Booking | None:
    """The row found by ``key`` unless it already belongs to another event."""
    row = rows.get(key) if key else None
    if row is not None and row.graph_event_id in (None, event_id):
        return row
    return None


async def cancel_removed(
    session: AsyncSession, *, room: RoomRef, removed_ids: Iterable[str], now: datetime
) -> int:
    """Room copies Exchange reports removed (a removed master cancels its series)."""
    ids = list(dict.fromkeys(removed_ids))
    if not ids:
        return 0
    result = await session.execute(
        update(models.Booking)
        .where(
            models.Booking.room_id == room.id,
            or_(
                models.Booking.graph_event_id.in_(ids),
                models.Booking.series_id.in_(ids),
            ),
            models.Booking.state != BookingState.CANCELLED.value,
        )
        .values(state=BookingState.CANCELLED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def cancel_unseen(
    session: AsyncSession,
    *,
    room: RoomRef,
    window: tuple[datetime, datetime],
    round_started_at: datetime,
    now: datetime,
) -> int:
    """After a full resync: rows from Exchange the round did not see are gone."""
    start, end = window
    result = await session.execute(
        update(models.Booking)
        .where(
            models.Booking.room_id == room.id,
            models.Booking.graph_event_id.is_not(None),
            models.Booking.start < end,
            models.Booking.end > start,
            models.Booking.updated_at < round_started_at,
            models.Booking.state != BookingState.CANCELLED.value,
        )
        .values(state=BookingState.CANCELLED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _existing(
    session: AsyncSession, room_id: str, events: Iterable[CalendarEvent]
) -> tuple[dict[str, models.Booking], dict[str, models.Booking]]:
    events = list(events)
    ids = [e.id for e in events]
    uids = [e.ical_uid for e in events if e.ical_uid]
    condition: ColumnElement[bool] = models.Booking.graph_event_id.in_(ids)
    if uids:
        condition = or_(condition, models.Booking.ical_uid.in_(uids))
    rows = (
        await session.scalars(
            select(models.Booking).where(models.Booking.room_id == room_id, condition)
        )
    ).all()
    by_event = {r.graph_event_id: r for r in rows if r.graph_event_id}
    by_uid: dict[str, models.Booking] = {}
    for row in rows:
        if row.ical_uid and (row.ical_uid not in by_uid or row.graph_event_id is None):
            by_uid[row.ical_uid] = row
    return by_event, by_uid
