"""cancelBooking: withdraw Transom's bookings; decline Outlook's only where allowed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.emulated_tenant import events_of, exchange, system_clock
from tests.emulator.core_directory import ADELE, MEGAN, ROOM1, eventually
from tests.sync.outbox_harness import CANCEL, BookingWorld, add_person, running_worker
from transom.db import models
from transom.domain.calendar import EmailAddress, EventDraft
from transom.security import SecretBox
from transom.sync.credentials import graph_client_for

pytestmark = pytest.mark.anyio


async def test_cancelling_a_directory_booking_cancels_the_organizers_meeting(
    world: BookingWorld,
):
    # given
    await add_person(world, ADELE, "Adele Vance")
    booked = world.book(organizerEmail=ADELE)
    async with running_worker(world):
        await world.state_becomes(booked["id"], "CONFIRMED")

        # when
        cancelled = world.api.data(CANCEL, {"id": booked["id"]})["cancelBooking"][
            "booking"
        ]

        # then
        assert cancelled["state"] == "CANCELLED"
        async with exchange(world) as client:

            async def gone() -> None:
                assert await events_of(client, ADELE) == []
                assert await events_of(client, ROOM1) == []
                assert {i.status for i in await world.outbox(booked["id"])} == {"DONE"}

            await eventually(gone, 20)


async def test_cancelling_a_direct_booking_deletes_the_room_event(
    world: BookingWorld,
):
    # given
    booked = world.book(organizerEmail="guest@fabrikam.example")
    async with running_worker(world):
        await world.state_becomes(booked["id"], "CONFIRMED")

        # when
        world.api.data(CANCEL, {"id": booked["id"]})

        # then
        async with exchange(world) as client:

            async def gone() -> None:
                assert await events_of(client, ROOM1) == []

            await eventually(gone, 20)
    assert (await world.booking(booked["id"])).state == "CANCELLED"


async def test_cancelling_before_the_write_ran_never_reaches_exchange(
    world: BookingWorld,
):
    # given a booking whose create has not run yet
    booked = world.book()

    # when
    world.api.data(CANCEL, {"id": booked["id"]})
    async with running_worker(world):

        async def settled() -> None:
            statuses = [i.status for i in await world.outbox(booked["id"])]
            assert statuses == ["DONE", "DONE"]

        await eventually(settled, 20)

    # then
    async with exchange(world) as client:
        assert await events_of(client, ROOM1) == []


async def _outlook_booking(world: BookingWorld) -> str:
    """Megan books Room 1 in Outlook; Transom knows the room's copy."""
    start = system_clock().replace(minute=0, second=0, microsecond=0)
    start += timedelta(hours=30)
    draft = EventDraft(
        "Outlook meeting", start, start + timedelta(hours=1), EmailAddress(ROOM1)
    )
    async with world.sessions() as session:
        tenant = await session.get(models.Tenant, world.tenant_id)
    assert tenant is not None
    box = SecretBox(str(world.settings.secret_key))
    async with await graph_client_for(tenant, world.settings, box) as graph:
        event = await graph.create_event(MEGAN, draft, "outlook-1")

        async def copied() -> str:
            copies = await graph.fetch_calendar_view(
                ROOM1, start, start + timedelta(hours=1)
            )
            assert copies, "the room has not accepted yet"
            return copies[0].id

        room_copy = await eventually(copied, 10)
    async with world.sessions() as session:
        booking = models.Booking(
            tenant_id=world.tenant_id,
            room_id=world.room_id,
            graph_event_id=room_copy,
            ical_uid=event.ical_uid,
            start=start,
            end=start + timedelta(hours=1),
            subject="Outlook meeting",
            organizer_email=MEGAN,
            source="OUTLOOK",
            state="CONFIRMED",
        )
        session.add(booking)
        await session.commit()
        return booking.id


async def test_outlook_booking_cannot_be_cancelled_without_declination(
    world: BookingWorld,
):
    # given
    booking_id = await _outlook_booking(world)

    # when
    codes = world.api.error_codes(CANCEL, {"id": booking_id})

    # then
    assert codes == ["FORBIDDEN"]
    assert (await world.booking(booking_id)).state == "CONFIRMED"


async def test_outlook_booking_is_declined_by_the_room_when_the_tenant_allows_it(
    world: BookingWorld,
):
    # given
    booking_id = await _outlook_booking(world)
    async with world.sessions() as session:
        tenant = await session.get(models.Tenant, world.tenant_id)
        assert tenant is not None
        tenant.settings = {"allowResourceBookingDeclination": True}
        await session.commit()

    # when
    world.api.data(CANCEL, {"id": booking_id})
    async with running_worker(world):

        async def declined() -> None:
            (item,) = await world.outbox(booking_id)
            assert item.status == "DONE", item.last_error

        await eventually(declined, 20)

    # then
    async with exchange(world) as client:
        (meeting,) = await events_of(client, MEGAN)
    (room,) = [a for a in meeting.attendees if a.email_address.address == ROOM1]
    assert room.status.response.value == "declined"
