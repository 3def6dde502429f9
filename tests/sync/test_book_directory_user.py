"""bookRoom for people of the tenant's directory: the organizer's own calendar."""

from __future__ import annotations

import pytest

from tests.emulated_tenant import events_of, exchange
from tests.emulator.core_directory import ADELE, ROOM1
from tests.sync.outbox_harness import BookingWorld, add_person, running_worker
from transom.db import models

pytestmark = pytest.mark.anyio


async def test_directory_user_gets_the_meeting_and_the_room_accepts(
    world: BookingWorld,
):
    # given
    await add_person(world, ADELE, "Adele Vance")

    # when
    booked = world.book(subject="Roadmap", organizerEmail=ADELE.upper())
    async with running_worker(world):
        row = await world.state_becomes(booked["id"], "CONFIRMED")

    # then
    assert booked["state"] == "PENDING"
    assert booked["source"] == "TRANSOM"
    assert booked["organizer"]["email"] == ADELE
    assert row.organizer_event_id
    assert row.ical_uid
    async with exchange(world) as client:
        (event,) = await events_of(client, ADELE)
        room_copies = await events_of(client, ROOM1)
    assert event.id == row.organizer_event_id
    assert event.subject == "Roadmap"
    (room,) = [a for a in event.attendees if a.email_address.address == ROOM1]
    assert room.type.value == "resource"
    assert room.status.response.value == "accepted"
    assert event.location.location_email_address == ROOM1
    assert [c.i_cal_u_id for c in room_copies] == [row.ical_uid]


async def test_organizer_is_looked_up_in_graph_when_people_were_never_imported(
    world: BookingWorld,
):
    # given no people imported
    # when
    booked = world.book(organizerEmail=ADELE)
    async with running_worker(world):
        row = await world.state_becomes(booked["id"], "CONFIRMED")

    # then
    assert row.organizer_event_id is not None
    async with exchange(world) as client:
        assert len(await events_of(client, ADELE)) == 1


async def test_room_declines_a_meeting_when_it_is_busy_in_exchange(
    world: BookingWorld,
):
    # given a direct booking holds the slot in Exchange (not yet synced locally)
    await add_person(world, ADELE, "Adele Vance")
    first = world.book(subject="Held by the desk")
    async with running_worker(world):
        await world.state_becomes(first["id"], "CONFIRMED")
    await _forget_locally(world, first["id"])

    # when
    booked = world.book(organizerEmail=ADELE)
    async with running_worker(world):
        row = await world.state_becomes(booked["id"], "DECLINED")

    # then
    assert "declined" in (row.decline_reason or "")


async def _forget_locally(world: BookingWorld, booking_id: str) -> None:
    """As if Transom had not synced this booking yet."""
    async with world.sessions() as session:
        row = await session.get(models.Booking, booking_id)
        assert row is not None
        row.state = "CANCELLED"
        await session.commit()
