"""The commands the API calls to book and cancel rooms: domain change + outbox row.

Each command changes bookings and enqueues the Graph write in the caller's
session, so both commit in one transaction (or neither does); the caller then
commits, and calls :func:`announce` to tell displays and wake the outbox worker.
Nothing here talks to Graph (the API never does): the worker runs the writes.

Invariant: Transom never creates two occupying bookings for one room and slot.
The room is locked (``db.rooms.lock_room``) while the local conflict check and
the insert run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import outbox as outbox_repo
from transom.db import people as people_repo
from transom.db.rooms import lock_room
from transom.domain.booking_requests import (
    BookingRequest,
    ExistingBooking,
    booking_route,
    cancel_action,
    first_conflict,
)
from transom.domain.bookings import BookingSource, BookingState, Slot
from transom.domain.connection import LinkState
from transom.domain.displays import ExtensionState, Span, extend_span
from transom.domain.errors import ConflictError
from transom.domain.outbox import OutboxKind
from transom.domain.tenant_settings import TenantSettings
from transom.pubsub import OUTBOX_CHANNEL, Bus, room_channel

EXTEND_LOOKAHEAD = timedelta(days=1)


@dataclass(frozen=True)
class SlotTaken:
    """The slot is already taken by ``booking`` in Transom's synced data."""

    booking: models.Booking


@dataclass(frozen=True)
class RoomUnlinked:
    """The room has no verified Exchange mailbox, so nothing can book it."""

    room: models.Room


BookOutcome = models.Booking | SlotTaken | RoomUnlinked


async def book_room(
    session: AsyncSession,
    *,
    room: models.Room,
    request: BookingRequest,
    source: BookingSource,
    now: datetime,
) -> BookOutcome:
    """A PENDING booking and its ``booking.create`` write, or why not (not committed)."""
    if room.link_state != LinkState.VERIFIED or not room.mailbox_email:
        return RoomUnlinked(room)
    await lock_room(session, room.id)
    taken = await _local_conflict(session, room.id, request)
    if taken is not None:
        return SlotTaken(taken)
    person = None
    if request.organizer_email and source is not BookingSource.DISPLAY:
        person = await people_repo.find_person_by_address(
            session, tenant_id=room.tenant_id, address=request.organizer_email
        )
    route = booking_route(
        request.organizer_email,
        source=source,
        directory_imported=await people_repo.has_people(
            session, tenant_id=room.tenant_id
        ),
        in_directory=person is not None,
    )
    booking = _new_booking(room, request, source, person)
    session.add(booking)
    await session.flush()
    outbox_repo.enqueue(
        session,
        tenant_id=room.tenant_id,
        kind=OutboxKind.CREATE_BOOKING,
        payload={"route": route.value},
        now=now,
        booking_id=booking.id,
    )
    return booking


def _new_booking(
    room: models.Room,
    request: BookingRequest,
    source: BookingSource,
    person: models.Person | None,
) -> models.Booking:
    return models.Booking(
        tenant_id=room.tenant_id,
        room_id=room.id,
        start=request.start,
        end=request.end,
        subject=request.subject,
        organizer_email=person.primary_email if person else request.organizer_email,
        organizer_name=person.display_name if person else None,
        # Anonymous means outside the directory, with or without an address.
        is_anonymous=person is None,
        source=source.value,
        state=BookingState.PENDING.value,
    )


async def _local_conflict(
    session: AsyncSession, room_id: str, request: BookingRequest
) -> models.Booking | None:
    grouped = await booking_repo.bookings_in_range(
        session,
        room_ids=[room_id],
        start=request.start,
        end=request.end,
        active_only=True,
    )
    rows = {b.id: b for b in grouped[room_id]}
    existing = [
        ExistingBooking(b.id, Slot(b.start, b.end), b.state) for b in rows.values()
    ]
    found = first_conflict(request.slot, existing)
    return rows[found.id] if found else None


async def cancel_booking(
    session: AsyncSession,
    *,
    booking: models.Booking,
    tenant: models.Tenant,
    is_admin: bool,
    now: datetime,
) -> models.Booking:
    """Mark the booking CANCELLED and enqueue its withdrawal from Exchange.

    Raises ``PermissionDeniedError`` for Outlook-made bookings unless the tenant
    allows resource booking declination and the caller is an admin.
    """
    action = cancel_action(
        source=booking.source,
        state=booking.state,
        is_admin=is_admin,
        declination_allowed=TenantSettings.from_stored(
            tenant.settings
        ).allow_resource_booking_declination,
    )
    previous = booking.state
    booking.state = BookingState.CANCELLED.value
    booking.updated_at = now
    payload = {"action": action.value, "previous_state": previous}
    create = await outbox_repo.create_of_booking(session, booking_id=booking.id)
    if create is not None:
        # Lets the cancel find the event should the create have reached
        # Exchange without Transom learning its id (see outbox_handlers).
        payload["create_transaction_id"] = create.transaction_id
        payload["route"] = str(create.payload.get("route", ""))
    outbox_repo.enqueue(
        session,
        tenant_id=booking.tenant_id,
        kind=OutboxKind.CANCEL_BOOKING,
        payload=payload,
        now=now,
        booking_id=booking.id,
    )
    return booking


async def end_booking_early(
    session: AsyncSession,
    *,
    booking: models.Booking,
    tenant: models.Tenant,
    now: datetime,
) -> models.Booking:
    """End a meeting at the door now: recorded as ended early (room analytics
    count it until ``now``) and withdrawn from Exchange like a cancellation."""
    await cancel_booking(
        session, booking=booking, tenant=tenant, is_admin=False, now=now
    )
    booking.ended_early_at = now
    return booking


async def extend_booking(
    session: AsyncSession,
    *,
    booking: models.Booking,
    minutes: int,
    now: datetime,
) -> models.Booking:
    """Move the booking's end later, cut short at the next booking, and enqueue
    ``booking.extend`` (not committed).

    The new end holds the room at once (PENDING, like a new booking); Exchange's
    answer confirms it or gives the previous end back. Raises ``ConflictError``
    when the meeting is not confirmed, has ended, already waits for an
    extension, or the next booking leaves less than five minutes.
    """
    if booking.state != BookingState.CONFIRMED:
        raise ConflictError("only a meeting Exchange has confirmed can be extended")
    if booking.extension_state == ExtensionState.PENDING:
        raise ConflictError("this meeting already waits for Exchange to extend it")
    await lock_room(session, booking.room_id)
    span = extend_span(
        Span(booking.start, booking.end),
        minutes,
        await _next_start(session, booking),
        now,
    )
    booking.extension_previous_end = booking.end
    booking.extension_end = span.end
    booking.extension_state = ExtensionState.PENDING.value
    booking.extension_reason = None
    booking.extended_at = now
    booking.end = span.end
    booking.updated_at = now
    outbox_repo.enqueue(
        session,
        tenant_id=booking.tenant_id,
        kind=OutboxKind.EXTEND_BOOKING,
        payload={
            "end": span.end.isoformat(),
            "previous_end": booking.extension_previous_end.isoformat(),
        },
        now=now,
        booking_id=booking.id,
    )
    return booking


async def _next_start(
    session: AsyncSession, booking: models.Booking
) -> datetime | None:
    """When the room is next taken after ``booking`` ends (within a day)."""
    grouped = await booking_repo.bookings_in_range(
        session,
        room_ids=[booking.room_id],
        start=booking.end,
        end=booking.end + EXTEND_LOOKAHEAD,
        active_only=True,
    )
    others = [b.start for b in grouped[booking.room_id] if b.id != booking.id]
    return min(others, default=None)


async def announce(bus: Bus, *, room_id: str, booking_id: str) -> None:
    """After commit: displays reload the room; outbox workers look for work."""
    await bus.publish(
        room_channel(room_id),
        {"type": "booking", "roomId": room_id, "bookingId": booking_id},
    )
    await bus.publish(OUTBOX_CHANNEL, {"type": "outbox"})
