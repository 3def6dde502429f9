"""What people do at the door: book now, extend, check in, end now.

Bookings go through the same outbox as ``bookRoom`` (source DISPLAY), so the
display shows PENDING until Exchange confirms or declines. Check-in is Transom's
own record (Exchange has no check-in); ending a door booking early withdraws it
from Exchange, which frees the room. Extending moves the meeting's end through
the outbox too (``sync.outbox_extend``): the booking shows the new end with its
extension PENDING until Exchange confirms or declines it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from transom.api.bookings.mutations import (
    BookNowPayload,
    booked,
    booking_source,
)
from transom.api.bookings.types import Booking
from transom.api.context import Info
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import visible_room
from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import rooms as room_repo
from transom.db import tenants as tenant_repo
from transom.domain import displays as rules
from transom.domain.access import Viewer
from transom.domain.booking_requests import check_booking_request
from transom.domain.bookings import BookingSource, occupies_room
from transom.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from transom.sync.commands.bookings import (
    announce,
    book_room,
    end_booking_early,
    extend_booking,
)

DOOR_SUBJECT = "Booked at the door"
LOOKAHEAD = timedelta(days=1)


@strawberry.type(description="What checkIn answers.")
class CheckInPayload(Payload):
    booking: Booking | None = strawberry.field(
        default=None, description="The checked-in booking; null when refused."
    )


@strawberry.type(description="What extendBooking answers.")
class ExtendBookingPayload(Payload):
    booking: Booking | None = strawberry.field(
        default=None,
        description="The booking with its new end and extension PENDING; null when refused.",
    )


@strawberry.type(description="What endBookingNow answers.")
class EndBookingNowPayload(Payload):
    booking: Booking | None = strawberry.field(
        default=None, description="The ended booking; null when refused."
    )


@strawberry.type
class DisplayActionMutations:
    @strawberry.mutation(
        description="Book the room from now for 15, 30 or 60 minutes, or until a "
        "given end (at most two hours), cut short at the next booking. Answers "
        "PENDING at once; Exchange confirms or declines."
    )
    async def book_now(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID, strawberry.argument(description="This display's room.")
        ],
        minutes: Annotated[
            int | None,
            strawberry.argument(
                description="How long, from now: 15, 30 or 60 (within the free "
                "time). Give this or `until`."
            ),
        ] = None,
        until: Annotated[
            datetime | None,
            strawberry.argument(
                description="Until when (with a UTC offset), at least 5 minutes "
                "and at most two hours from now; cut short at the next booking. "
                "Door buttons pass a quarter hour or the next booking's start. "
                "Give this or `minutes`."
            ),
        ] = None,
    ) -> BookNowPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            source = booking_source(viewer, room_id)
            if (minutes is None) == (until is None):
                raise InvalidInputError("give either minutes or until", field="minutes")
            await visible_room(info, room_id)
            now = info.context.now
            async with info.context.db() as session:
                grouped = await booking_repo.bookings_in_range(
                    session,
                    room_ids=[room_id],
                    start=now,
                    end=now + LOOKAHEAD,
                    active_only=True,
                )
                upcoming = [b.start for b in grouped[room_id] if b.start > now]
                next_start = min(upcoming, default=None)
                if until is not None:
                    span = rules.book_until_span(now, until, next_start)
                else:
                    assert minutes is not None
                    span = rules.book_now_span(now, minutes, next_start)
                request = check_booking_request(
                    start=span.start,
                    end=span.end,
                    subject=DOOR_SUBJECT,
                    organizer_email=None,
                    now=now,
                )
                room = await room_repo.get_room(session, room_id=room_id)
                assert room is not None
                outcome = await book_room(
                    session, room=room, request=request, source=source, now=now
                )
                await session.commit()
            return await booked(
                info,
                errors,
                outcome,
                BookNowPayload,
                taken="the room is already booked now",
                unlinked_hint="An admin links the room to its resource mailbox first.",
            )
        return errors.payload(BookNowPayload)

    @strawberry.mutation(
        description="Check in to a meeting, from 10 minutes before it starts until "
        "it ends; a checked-in meeting is never released as a no-show."
    )
    async def check_in(
        self,
        info: Info,
        booking_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The meeting now running in this display's room."
            ),
        ],
    ) -> CheckInPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            now = info.context.now
            async with info.context.db() as session:
                booking = await _booking(session, viewer, booking_id)
                if not occupies_room(booking.state):
                    raise ConflictError(
                        "only a pending or confirmed meeting can check in"
                    )
                rules.check_in_allowed(rules.Span(booking.start, booking.end), now)
                if booking.checked_in_at is None:
                    booking.checked_in_at = now
                    await session.commit()
            await _announce(info, booking)
            return CheckInPayload(booking=Booking.from_model(booking))
        return errors.payload(CheckInPayload)

    @strawberry.mutation(
        description="Make the meeting in progress longer by 15, 30 or 60 minutes, "
        "cut short at the next booking. Answers at once with the new end and "
        "extension PENDING; Exchange confirms or declines it moments later (then "
        "the previous end is back). Meetings made in Outlook can be extended when "
        "their organizer is in this tenant."
    )
    async def extend_booking(
        self,
        info: Info,
        booking_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The running meeting to extend."),
        ],
        minutes: Annotated[
            int,
            strawberry.argument(
                description="Minutes to add (15 to 120, up to the next meeting)."
            ),
        ],
    ) -> ExtendBookingPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            now = info.context.now
            async with info.context.db() as session:
                booking = await _booking(session, viewer, booking_id)
                if booking.source == BookingSource.OUTLOOK and booking.is_anonymous:
                    raise PermissionDeniedError(
                        "this meeting's organizer is outside the tenant: only they can "
                        "extend it, in Outlook"
                    )
                await extend_booking(session, booking=booking, minutes=minutes, now=now)
                await session.commit()
            await _announce(info, booking)
            return ExtendBookingPayload(booking=Booking.from_model(booking))
        return errors.payload(ExtendBookingPayload)

    @strawberry.mutation(
        description="End a meeting booked at the door now: it is withdrawn from "
        "Exchange and the room turns free. Other meetings end in Outlook."
    )
    async def end_booking_now(
        self,
        info: Info,
        booking_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The running door booking to end."),
        ],
    ) -> EndBookingNowPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            now = info.context.now
            async with info.context.db() as session:
                booking = await _booking(session, viewer, booking_id)
                if booking.source != BookingSource.DISPLAY:
                    raise PermissionDeniedError(
                        "only meetings booked at the door can be ended there"
                    )
                rules.end_now_span(rules.Span(booking.start, booking.end), now)
                tenant = await tenant_repo.get_tenant(
                    session, tenant_id=booking.tenant_id
                )
                assert tenant is not None
                await end_booking_early(
                    session, booking=booking, tenant=tenant, now=now
                )
                await session.commit()
            await _announce(info, booking)
            return EndBookingNowPayload(booking=Booking.from_model(booking))
        return errors.payload(EndBookingNowPayload)


async def _booking(
    session: AsyncSession, viewer: Viewer, booking_id: str
) -> models.Booking:
    booking = await booking_repo.get_booking(session, booking_id=booking_id)
    if booking is None or not viewer.can_see_tenant(booking.tenant_id):
        raise NotFoundError.of("Booking", booking_id)
    booking_source(viewer, booking.room_id)
    return booking


async def _announce(info: Info, booking: models.Booking) -> None:
    bus = info.context.services.bus
    await announce(bus, room_id=booking.room_id, booking_id=booking.id)
