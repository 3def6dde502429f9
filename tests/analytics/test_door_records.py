"""What happens at the door is recorded with the booking and shows in
``roomUsage``: a door booking checked in, extended and ended early, through the
real door mutations, the outbox and the Graph emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.displays.signage import operation, pair_room_display
from tests.emulated_tenant import system_clock
from tests.emulator.core_directory import eventually
from tests.sync.outbox_harness import BookingWorld, running_worker
from transom.db import models

pytestmark = pytest.mark.anyio

USAGE = """
query ($t: ID!, $from: DateTime!, $to: DateTime!) {
  roomUsage(tenantId: $t, from: $from, to: $to) {
    total { meetings doorBookings checkedIn extended endedEarly released bookedHours }
  }
}
"""


async def door_booking_id(world: BookingWorld) -> str:
    async with world.sessions() as session:
        found = await session.scalar(
            select(models.Booking.id).where(models.Booking.source == "DISPLAY")
        )
    assert found is not None
    return found


async def test_check_in_extend_and_end_early_at_the_door_are_counted(
    world: BookingWorld,
) -> None:
    # given a confirmed door booking
    token = pair_room_display(world.api, world.room_id)
    book = {"roomId": world.room_id, "minutes": 15}
    world.api.data(operation("BookNow"), book, token=token)
    booking_id = await door_booking_id(world)
    async with running_worker(world):
        await world.state_becomes(booking_id, "CONFIRMED")
        # when it is checked in, extended and ended early at the door
        door = {"bookingId": booking_id}
        world.api.data(operation("CheckIn"), door, token=token)
        extend = {**door, "minutes": 15}
        world.api.data(operation("ExtendBooking"), extend, token=token)

        async def extended() -> None:
            row = await world.booking(booking_id)
            assert row.extension_state == "CONFIRMED"

        await eventually(extended, 20)
        world.api.data(operation("EndBookingNow"), door, token=token)
        row = await world.state_becomes(booking_id, "CANCELLED")
    # then the booking records each step, and analytics count it
    assert row.checked_in_at is not None
    assert row.extended_at is not None
    assert row.ended_early_at is not None
    now = system_clock()
    span = {
        "t": world.tenant_id,
        "from": (now - timedelta(hours=1)).isoformat(),
        "to": (now + timedelta(hours=1)).isoformat(),
    }
    total = world.api.data(USAGE, span)["roomUsage"]["total"]
    assert total["meetings"] == 1
    assert total["doorBookings"] == 1
    assert total["checkedIn"] == 1
    assert total["extended"] == 1
    assert total["endedEarly"] == 1
    assert total["released"] == 0
    # held from the start until it was ended, not until its extended end
    held = (row.ended_early_at - row.start).total_seconds() / 3600
    assert total["bookedHours"] == pytest.approx(held, abs=1 / 3600)  # whole seconds
