"""bookRoom for anyone else: written straight into the room calendar, checked first."""

from __future__ import annotations

import pytest

from tests.emulated_tenant import events_of, exchange
from tests.emulator.core_directory import ADELE, ROOM1
from tests.sync.outbox_harness import BOOK, BookingWorld, add_person, running_worker
from transom.db import models

pytestmark = pytest.mark.anyio


async def test_external_organizer_books_the_room_calendar_directly(
    world: BookingWorld,
):
    # given
    await add_person(world, ADELE, "Adele Vance")

    # when
    booked = world.book(
        subject="Supplier visit", organizerEmail="guest@fabrikam.example"
    )
    async with running_worker(world):
        row = await world.state_becomes(booked["id"], "CONFIRMED")

    # then
    assert booked["state"] == "PENDING"
    # outside the directory: anonymous, as the schema says (the address still
    # goes to Exchange in the event's body)
    assert booked["organizer"] == {"email": None, "anonymous": True}
    assert row.graph_event_id
    assert row.organizer_event_id is None
    async with exchange(world) as client:
        (event,) = await events_of(client, ROOM1)
        assert await events_of(client, ADELE) == []
    assert event.id == row.graph_event_id
    assert event.subject == "Supplier visit"
    assert "guest@fabrikam.example" in (event.body_preview or "")


async def test_slot_taken_in_exchange_is_declined_with_reason_conflict(
    world: BookingWorld,
):
    # given Adele's meeting holds the slot in Exchange, unknown to Transom
    await add_person(world, ADELE, "Adele Vance")
    first = world.book(organizerEmail=ADELE)
    async with running_worker(world):
        await world.state_becomes(first["id"], "CONFIRMED")
    async with world.sessions() as session:
        row = await session.get(models.Booking, first["id"])
        assert row is not None
        await session.delete(row)
        await session.commit()

    # when
    booked = world.book(subject="At the door")
    async with running_worker(world):
        declined = await world.state_becomes(booked["id"], "DECLINED")

    # then
    assert declined.decline_reason == "conflict"
    async with exchange(world) as client:
        assert len(await events_of(client, ROOM1)) == 1


async def test_slot_taken_locally_answers_booking_conflict(world: BookingWorld):
    # given
    first = world.book()

    # when
    second = world.book_refused(subject="Overlap")

    # then
    assert [e["code"] for e in second["userErrors"]] == ["CONFLICT"]
    assert second["booking"] is None
    assert second["conflictingBooking"]["id"] == first["id"]
    assert len(await world.outbox(first["id"])) == 1


async def test_unlinked_room_answers_room_not_linked(world: BookingWorld):
    # when
    result = world.book_refused(roomId=world.room2_id)

    # then
    (error,) = result["userErrors"]
    assert (error["code"], error["field"]) == ("CONFLICT", ["input", "roomId"])
    assert "linkRoomMailbox" in error["hint"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": "2020-01-01T00:00:00+00:00"}, "end"),
        (
            {"start": "2020-01-01T09:00:00+00:00", "end": "2020-01-01T10:00:00+00:00"},
            "start",
        ),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 256}, "subject"),
        ({"organizerEmail": "not-an-address"}, "organizerEmail"),
    ],
)
async def test_invalid_booking_input_names_the_field(
    world: BookingWorld, fields: dict[str, str], field: str
):
    # given
    start, end = world.slot()
    variables = {"roomId": world.room_id, "start": start, "end": end, "subject": "S"}

    # when
    body = world.api.post(BOOK, {"input": variables | fields})

    # then
    (error,) = body["data"]["bookRoom"]["userErrors"]
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", ["input", field])


async def test_booking_longer_than_a_day_is_refused(world: BookingWorld):
    # given
    start, end = world.slot(minutes=24 * 60 + 30)

    # when
    body = world.api.post(
        BOOK,
        {
            "input": {
                "roomId": world.room_id,
                "start": start,
                "end": end,
                "subject": "S",
            }
        },
    )

    # then
    assert body["data"]["bookRoom"]["userErrors"][0]["field"] == ["input", "end"]
