"""One Transom booking per Exchange event, whichever side reaches it first.

Two writers learn about the same Exchange event: the outbox (Graph answered
our create with the event's id and iCalUId) and a delta round (the room's
calendar now holds the event, or the room's copy of it). They can reach the
database in either order, so both run under the room's lock
(``db.rooms.lock_room``) and claim the match here:

- a delta round finds the booking of a room-calendar item by its event id, then
  its iCalUId, then the ``transactionId`` of the ``booking.create`` that made it
  (a direct write into the room calendar carries it, even before the outbox has
  recorded anything) — :func:`bookings_by_transaction`;
- the outbox, when it records an event id or iCalUId, absorbs a row a delta
  round made for the same event before either id was known (source OUTLOOK):
  that copy is deleted and its Exchange identity moves onto the booking the
  user made — :func:`absorb_copies`.

The unique ``(room_id, graph_event_id)`` constraint stays as the backstop, not
the mechanism. A booking with a withdrawal still on its way to Exchange (a
cancel or no-show release) keeps its CANCELLED state when a delta round sees
the event still there — :func:`bookings_being_withdrawn`.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db.outbox import LIVE
from transom.domain.bookings import BookingSource
from transom.domain.outbox import OutboxKind

WITHDRAWALS = (OutboxKind.CANCEL_BOOKING.value, OutboxKind.RELEASE_BOOKING.value)


async def bookings_by_transaction(
    session: AsyncSession, *, room_id: str, transaction_ids: Collection[str]
) -> dict[str, models.Booking]:
    """The room's bookings whose ``booking.create`` sent these transaction ids."""
    if not transaction_ids:
        return {}
    rows = await session.execute(
        select(models.OutboxItem.transaction_id, models.Booking)
        .join(models.Booking, models.Booking.id == models.OutboxItem.booking_id)
        .where(
            models.OutboxItem.transaction_id.in_(list(transaction_ids)),
            models.OutboxItem.kind == OutboxKind.CREATE_BOOKING.value,
            models.Booking.room_id == room_id,
        )
    )
    return {str(tid): booking for tid, booking in rows.tuples().all()}


async def bookings_being_withdrawn(
    session: AsyncSession, *, booking_ids: Collection[str]
) -> set[str]:
    """Of these bookings, those whose cancel or release has not finished yet."""
    if not booking_ids:
        return set()
    rows = await session.scalars(
        select(models.OutboxItem.booking_id).where(
            models.OutboxItem.booking_id.in_(list(booking_ids)),
            models.OutboxItem.kind.in_(WITHDRAWALS),
            models.OutboxItem.status.in_(LIVE),
        )
    )
    return {booking_id for booking_id in rows.all() if booking_id}


async def absorb_copies(
    session: AsyncSession,
    booking: models.Booking,
    *,
    graph_event_id: str | None,
    ical_uid: str | None,
) -> list[str]:
    """Delete the room's other rows for this event; their ids move to ``booking``.

    Call under the room's lock, before ``booking`` takes the new ids. Outbox rows
    of a copy (someone acted on it meanwhile) now belong to ``booking``.
    Returns the ids of the copies absorbed.
    """
    matches = []
    if graph_event_id:
        matches.append(models.Booking.graph_event_id == graph_event_id)
    if ical_uid:
        matches.append(
            (models.Booking.ical_uid == ical_uid)
            & (models.Booking.source == BookingSource.OUTLOOK.value)
        )
    if not matches:
        return []
    copies = (
        await session.scalars(
            select(models.Booking).where(
                models.Booking.room_id == booking.room_id,
                models.Booking.id != booking.id,
                or_(*matches),
            )
        )
    ).all()
    if not copies:
        return []
    ids = [copy.id for copy in copies]
    identity = None
    if booking.graph_event_id is None:
        identity = next((c for c in copies if c.graph_event_id), None)
    await session.execute(
        update(models.OutboxItem)
        .where(models.OutboxItem.booking_id.in_(ids))
        .values(booking_id=booking.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(models.Booking)
        .where(models.Booking.id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    for copy in copies:
        session.expunge(copy)
    if identity is not None:
        booking.graph_event_id = identity.graph_event_id
        booking.series_id = identity.series_id
        booking.change_key = identity.change_key
    await session.flush()
    return ids
