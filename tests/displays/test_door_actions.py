"""Book now, check in and end now at the door, through the outbox to Exchange."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.displays.signage import operation, pair_room_display
from tests.emulated_tenant import events_of, exchange, system_clock
from tests.emulator.core_directory import ROOM1, eventually
from tests.sync.outbox_harness import BookingWorld, running_worker

pytestmark = pytest.mark.anyio


async def test_book_now_reaches_exchange_and_the_room_turns_busy(
    world: BookingWorld,
) -> None:
    # given
    token = pair_room_display(world.api, world.room_id)
    variables = {"roomId": world.room_id, "minutes": 30}
    # when
    booked = world.api.data(operation("BookNow"), variables, token=token)["bookNow"][
        "booking"
    ]
    async with running_worker(world):
        row = await world.state_becomes(booked["id"], "CONFIRMED")
    day = world.api.data(operation("RoomDay"), {"roomId": world.room_id}, token=token)
    # then
    assert booked["state"] == "PENDING"
    assert row.source == "DISPLAY"
    assert row.end - row.start == timedelta(minutes=30)
    assert day["roomDay"]["status"]["state"] == "BUSY"
    async with exchange(world) as client:
        (event,) = await events_of(client, ROOM1)
    assert event.subject == "Booked at the door"


async def test_book_now_is_cut_short_at_the_next_booking(world: BookingWorld) -> None:
    # given a meeting in 20 minutes
    token = pair_room_display(world.api, world.room_id)
    start = system_clock().replace(second=0, microsecond=0) + timedelta(minutes=20)
    later = world.book(
        start=start.isoformat(), end=(start + timedelta(hours=1)).isoformat()
    )
    # when
    variables = {"roomId": world.room_id, "minutes": 60}
    booked = world.api.data(operation("BookNow"), variables, token=token)["bookNow"][
        "booking"
    ]
    # then
    assert later["state"] == "PENDING"
    assert booked["end"].startswith(start.isoformat()[:16])


async def test_check_in_and_end_now_at_the_door(world: BookingWorld) -> None:
    # given a confirmed door booking
    token = pair_room_display(world.api, world.room_id)
    variables = {"roomId": world.room_id, "minutes": 15}
    booked = world.api.data(operation("BookNow"), variables, token=token)["bookNow"][
        "booking"
    ]
    async with running_worker(world):
        await world.state_becomes(booked["id"], "CONFIRMED")
        # when
        checked = world.api.data(
            operation("CheckIn"), {"bookingId": booked["id"]}, token=token
        )["checkIn"]["booking"]
        ended = world.api.data(
            operation("EndBookingNow"), {"bookingId": booked["id"]}, token=token
        )["endBookingNow"]["booking"]
        # then
        async with exchange(world) as client:
            await _eventually_empty(client)
    assert checked["checkedInAt"] is not None
    assert ended["state"] == "CANCELLED"


async def _eventually_empty(client) -> None:
    async def check() -> None:
        assert await events_of(client, ROOM1) == []

    await eventually(check, 20)
