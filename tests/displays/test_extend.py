"""Extend at the door: the meeting's end moves in Exchange, or Exchange says no."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.displays.signage import operation, pair_room_display
from tests.emulated_tenant import events_of, exchange, system_clock
from tests.emulator.core_directory import ADELE, ROOM1, eventually
from tests.emulator.core_events import meeting
from tests.sync.outbox_harness import BookingWorld, add_person, running_worker
from tests.sync.outlook import stamp
from transom.emulator import TENANT_ID

pytestmark = pytest.mark.anyio


def extend(world: BookingWorld, booking_id: str, token: str | None, minutes: int = 15):
    variables = {"bookingId": booking_id, "minutes": minutes}
    return world.api.data(operation("ExtendBooking"), variables, token=token)[
        "extendBooking"
    ]["booking"]


async def extension_becomes(world: BookingWorld, booking_id: str, state: str):
    async def check():
        row = await world.booking(booking_id)
        assert row.extension_state == state, (row.extension_state, row.extension_reason)
        return row

    return await eventually(check, 20)


async def door_booking(world: BookingWorld, token: str, minutes: int = 30):
    variables = {"roomId": world.room_id, "minutes": minutes}
    booked = world.api.data(operation("BookNow"), variables, token=token)["bookNow"][
        "booking"
    ]
    await world.state_becomes(booked["id"], "CONFIRMED")
    return booked


async def room_event_end(world: BookingWorld):
    async with exchange(world) as client:
        (event,) = await events_of(client, ROOM1)
    return event.end.date_time


async def test_extend_moves_the_end_of_a_door_booking_in_exchange(
    world: BookingWorld,
) -> None:
    # given a confirmed 30-minute door booking
    token = pair_room_display(world.api, world.room_id)
    async with running_worker(world):
        booked = await door_booking(world, token)
        # when
        extended = extend(world, booked["id"], token)
        row = await extension_becomes(world, booked["id"], "CONFIRMED")
    # then it answered at once with the new end, pending
    assert extended["extension"]["state"] == "PENDING"
    assert extended["end"] == extended["extension"]["requestedEnd"]
    assert row.end - row.start == timedelta(minutes=45)
    assert (await room_event_end(world)).startswith(stamp(row.end))


async def test_an_extension_into_a_meeting_transom_has_not_seen_is_declined(
    world: BookingWorld,
) -> None:
    # given a door booking and, right after it, an event written straight into
    # the room calendar that Transom has not synced
    token = pair_room_display(world.api, world.room_id)
    async with running_worker(world):
        booked = await door_booking(world, token)
        row = await world.booking(booked["id"])
        async with exchange(world) as client:
            rival = meeting(
                "Walk-in", stamp(row.end), stamp(row.end + timedelta(hours=1))
            )
            await client.users.by_user_id(ROOM1).events.post(rival)
        # when
        extended = extend(world, booked["id"], token)
        row = await extension_becomes(world, booked["id"], "DECLINED")
    # then the previous end stands, in Transom and in Exchange
    assert extended["extension"]["state"] == "PENDING"
    assert row.end - row.start == timedelta(minutes=30)
    assert "conflict" in (row.extension_reason or "")
    async with exchange(world) as client:
        events = await events_of(client, ROOM1)
    door = next(e for e in events if e.subject == "Booked at the door")
    assert door.end.date_time.startswith(stamp(row.end))


async def test_the_rooms_attendant_declining_an_extension_gives_the_old_end_back(
    world: BookingWorld,
) -> None:
    # given Adele's one-hour meeting, booked in her calendar with the room as
    # attendee, in a room that takes meetings of at most an hour
    await add_person(world, ADELE, "Adele Vance")
    await world.control(
        "PATCH",
        f"/_emulator/tenants/{TENANT_ID}/rooms/{ROOM1}/calendar-processing",
        {"maximumDurationInMinutes": 60},
    )
    start = system_clock().replace(second=0, microsecond=0)
    booked = world.book(
        start=start.isoformat(),
        end=(start + timedelta(hours=1)).isoformat(),
        organizerEmail=ADELE,
    )
    async with running_worker(world):
        await world.state_becomes(booked["id"], "CONFIRMED")
        # when an admin extends it by 15 minutes
        extend(world, booked["id"], None)
        row = await extension_becomes(world, booked["id"], "DECLINED")

        # then the old end is back, and the room holds the meeting again
        async def room_accepted_the_old_end():
            async with exchange(world) as client:
                (event,) = await events_of(client, ADELE)
            (room,) = [a for a in event.attendees if a.email_address.address == ROOM1]
            assert room.status.response.value == "accepted"
            assert event.end.date_time.startswith(stamp(start + timedelta(hours=1)))

        await eventually(room_accepted_the_old_end, 10)
    assert row.end == start + timedelta(hours=1)
    assert "declined" in (row.extension_reason or "")


async def test_an_extension_the_attendant_accepts_is_confirmed(
    world: BookingWorld,
) -> None:
    # given Adele's half-hour meeting with the room as attendee
    await add_person(world, ADELE, "Adele Vance")
    start = system_clock().replace(second=0, microsecond=0)
    booked = world.book(
        start=start.isoformat(),
        end=(start + timedelta(minutes=30)).isoformat(),
        organizerEmail=ADELE,
    )
    async with running_worker(world):
        await world.state_becomes(booked["id"], "CONFIRMED")
        # when
        extend(world, booked["id"], None, minutes=30)
        row = await extension_becomes(world, booked["id"], "CONFIRMED")
    # then Adele's meeting ends an hour after it began
    assert row.end == start + timedelta(hours=1)
    async with exchange(world) as client:
        (event,) = await events_of(client, ADELE)
    assert event.end.date_time.startswith(stamp(start + timedelta(hours=1)))


async def test_extend_is_capped_at_the_next_booking_and_refused_right_before_it(
    world: BookingWorld,
) -> None:
    # given a door booking and a meeting booked 10 minutes after it ends
    token = pair_room_display(world.api, world.room_id)
    async with running_worker(world):
        booked = await door_booking(world, token, minutes=15)
        row = await world.booking(booked["id"])
        later = row.end + timedelta(minutes=10)
        world.book(
            start=later.isoformat(), end=(later + timedelta(hours=1)).isoformat()
        )
        # when
        extended = extend(world, booked["id"], token, minutes=30)
        again = world.api.post(
            operation("ExtendBooking"),
            {"bookingId": booked["id"], "minutes": 15},
            token=token,
        )
    # then
    assert extended["extension"]["requestedEnd"].startswith(later.isoformat()[:16])
    assert again["data"]["extendBooking"]["userErrors"][0]["code"] == "CONFLICT"
