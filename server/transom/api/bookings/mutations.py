"""``bookRoom`` and ``cancelBooking``: bookings made in Transom, written to Exchange.

Both answer at once: the booking is saved with its Graph write in the outbox
(``sync.booking_writes``), and the outbox worker brings Exchange's answer later
(PENDING → CONFIRMED or DECLINED). Expected business outcomes of ``bookRoom``
(slot taken, room not linked) are CONFLICT userErrors; wrong input is
BAD_USER_INPUT.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from transom.api.bookings.types import Booking
from transom.api.context import Info
from transom.api.payloads import Payload, UserError, UserErrors
from transom.api.rooms.types import visible_room
from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import rooms as room_repo
from transom.db import tenants as tenant_repo
from transom.domain.access import Role, Viewer
from transom.domain.booking_requests import check_booking_request
from transom.domain.bookings import BookingSource
from transom.domain.errors import ErrorCode, NotFoundError, PermissionDeniedError
from transom.sync.commands.bookings import (
    RoomUnlinked,
    SlotTaken,
    announce,
    book_room,
    cancel_booking,
)


@strawberry.input(description="A room to book from Transom.")
class BookRoomInput:
    room_id: strawberry.ID = strawberry.field(
        description="The room; it needs a verified mailbox (linkState VERIFIED)."
    )
    start: datetime = strawberry.field(description="With a UTC offset.")
    end: datetime = strawberry.field(description="After start; at most 24 hours later.")
    subject: str = strawberry.field(description="1 to 255 characters.")
    organizer_email: str | None = strawberry.field(
        default=None,
        description="Who the booking is for. Someone in the tenant's directory gets "
        "the meeting in their own calendar; anyone else (or nobody) is booked "
        "straight into the room's calendar. Ignored for door displays.",
    )


@strawberry.type(
    description="What bookRoom answers: the PENDING booking, or why the room "
    "cannot be booked (userErrors: CONFLICT when the slot is taken, with "
    "conflictingBooking, or when the room has no verified mailbox, with a hint)."
)
class BookRoomPayload(Payload):
    booking: Booking | None = strawberry.field(
        default=None, description="The PENDING booking; null when refused."
    )
    conflicting_booking: Booking | None = strawberry.field(
        default=None, description="The booking that holds the slot, when it is taken."
    )


@strawberry.type(
    description="What bookNow answers: the PENDING booking, or why the room "
    "cannot be booked (as bookRoom)."
)
class BookNowPayload(BookRoomPayload):
    pass


@strawberry.type(description="What cancelBooking answers.")
class CancelBookingPayload(Payload):
    booking: Booking | None = strawberry.field(
        default=None, description="The cancelled booking; null when refused."
    )


B = TypeVar("B", bound=BookRoomPayload)


async def booked(
    info: Info,
    errors: UserErrors,
    outcome: object,
    kind: type[B],
    *,
    taken: str,
    unlinked_hint: str,
) -> B:
    """The payload of bookRoom and bookNow for what ``book_room`` answered."""
    if isinstance(outcome, SlotTaken):
        refused = UserError(field=None, message=taken, code=ErrorCode.CONFLICT)
        return kind(
            user_errors=[refused],
            conflicting_booking=Booking.from_model(outcome.booking),
        )
    if isinstance(outcome, RoomUnlinked):
        refused = UserError(
            field=errors.path("roomId"),
            message=f"room {outcome.room.name!r} is not linked to an Exchange mailbox",
            code=ErrorCode.CONFLICT,
            hint=unlinked_hint,
        )
        return kind(user_errors=[refused])
    assert isinstance(outcome, models.Booking)
    bus = info.context.services.bus
    await announce(bus, room_id=outcome.room_id, booking_id=outcome.id)
    return kind(booking=Booking.from_model(outcome))


def booking_source(viewer: Viewer, room_id: str) -> BookingSource:
    """Door displays act on their own room; admins anywhere in their tenant."""
    if viewer.role is Role.DISPLAY:
        if viewer.room_id != room_id:
            raise NotFoundError.of("Room", room_id)
        return BookingSource.DISPLAY
    viewer.require_admin()
    return BookingSource.TRANSOM


@strawberry.type
class BookingMutations:
    @strawberry.mutation(
        description="Book a room. Answers at once with a PENDING booking; Exchange "
        "confirms or declines it moments later (watch roomStatus or reload)."
    )
    async def book_room(
        self,
        info: Info,
        input: Annotated[
            BookRoomInput,
            strawberry.argument(description="The room, the time span and the meeting."),
        ],
    ) -> BookRoomPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            source = booking_source(viewer, input.room_id)
            await visible_room(info, input.room_id)
            request = check_booking_request(
                start=input.start,
                end=input.end,
                subject=input.subject,
                organizer_email=input.organizer_email,
                now=info.context.now,
            )
            async with info.context.db() as session:
                room = await room_repo.get_room(session, room_id=input.room_id)
                assert room is not None
                outcome = await book_room(
                    session,
                    room=room,
                    request=request,
                    source=source,
                    now=info.context.now,
                )
                await session.commit()
            return await booked(
                info,
                errors,
                outcome,
                BookRoomPayload,
                taken="the room is already booked during that time",
                unlinked_hint="Link the room to its resource mailbox (linkRoomMailbox) first.",
            )
        return errors.payload(BookRoomPayload)

    @strawberry.mutation(
        description="Cancel a booking: Transom's own are withdrawn from Exchange; "
        "Outlook-made ones are declined by the room, by admins, where the tenant "
        "allows resource booking declination (else FORBIDDEN)."
    )
    async def cancel_booking(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The booking to cancel.")
        ],
    ) -> CancelBookingPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            async with info.context.db() as session:
                booking = await _visible_booking(session, viewer, id)
                tenant = await tenant_repo.get_tenant(
                    session, tenant_id=booking.tenant_id
                )
                assert tenant is not None
                await cancel_booking(
                    session,
                    booking=booking,
                    tenant=tenant,
                    is_admin=viewer.role in (Role.ADMIN, Role.SUPERADMIN),
                    now=info.context.now,
                )
                await session.commit()
            bus = info.context.services.bus
            await announce(bus, room_id=booking.room_id, booking_id=booking.id)
            return CancelBookingPayload(booking=Booking.from_model(booking))
        return errors.payload(CancelBookingPayload)


async def _visible_booking(
    session: AsyncSession, viewer: Viewer, booking_id: str
) -> models.Booking:
    booking = await booking_repo.get_booking(session, booking_id=booking_id)
    if booking is None:
        raise NotFoundError.of("Booking", booking_id)
    viewer.check_tenant(booking.tenant_id, "Booking", booking_id)
    if viewer.role is Role.DISPLAY and (
        viewer.room_id != booking.room_id or booking.source != BookingSource.DISPLAY
    ):
        raise PermissionDeniedError("a door display can cancel only its own bookings")
    if viewer.role is Role.READER:
        raise PermissionDeniedError("this needs an admin token")
    return booking
