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


async def test_book_until_a_quarter_hour_ends_the_booking_there(
    world: BookingWorld,
) -> None:
    # given a display, and the quarter hour at least 15 minutes away
    token = pair_room_display(world.api, world.room_id)
    now = system_clock()
    soon = now + timedelta(minutes=15)
    until = soon.replace(second=0, microsecond=0) + timedelta(
        minutes=-soon.minute % 15 or 15
    )
    # when the door's "Until hh:mm" button books it
    variables = {"roomId": world.room_id, "until": until.isoformat()}
    booked = world.api.data(operation("BookNow"), variables, token=token)["bookNow"][
        "booking"
    ]
    # then the booking ends on that quarter hour, not minutes from now
    assert booked["end"].startswith(until.isoformat()[:16])
    assert booked["state"] == "PENDING"


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"until": "later"}, None),  # not a time: the schema refuses it
        ({"minutes": 30, "until": "2030-01-01T10:00:00+00:00"}, "minutes"),
        ({}, "minutes"),
        ({"untilHours": 3}, "until"),  # more than two hours
        ({"untilMinutes": 2}, "until"),  # less than five minutes
    ],
    ids=["not-a-time", "both", "neither", "too-long", "too-short"],
)
async def test_book_now_refuses_a_wrong_end(
    world: BookingWorld, variables: dict[str, object], field: str | None
) -> None:
    # given
    token = pair_room_display(world.api, world.room_id)
    now = system_clock()
    if "untilHours" in variables:
        variables = {"until": (now + timedelta(hours=3)).isoformat()}
    if "untilMinutes" in variables:
        variables = {"until": (now + timedelta(minutes=2)).isoformat()}
    # when
    body = world.api.post(
        operation("BookNow"), {"roomId": world.room_id, **variables}, token=token
    )
    # then nothing is booked, and the display is told which field is wrong
    if field is None:
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        return
    payload = body["data"]["bookNow"]
    assert payload["booking"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ([field], "BAD_USER_INPUT")
    ]
