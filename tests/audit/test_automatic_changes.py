"""What Transom changes in Exchange by itself is in the audit log, as
"Transom (automatic)", beside the admin's request that led to it."""

from __future__ import annotations

import pytest

from tests.emulated_tenant import events_of, exchange
from tests.emulator.core_directory import ROOM1, eventually
from tests.sync.outbox_harness import CANCEL, BookingWorld, running_worker

pytestmark = pytest.mark.anyio

LOG = """
query { auditLog { nodes { actor actorKind action targetType targetName after } } }
"""


async def test_a_cancel_written_to_exchange_is_recorded_as_automatic(
    world: BookingWorld,
) -> None:
    # given a booking Transom wrote into the room's calendar
    booked = world.book(organizerEmail="guest@fabrikam.example", subject="Retro")
    async with running_worker(world):
        await world.state_becomes(booked["id"], "CONFIRMED")
        # when an admin cancels it and the outbox removes it from Exchange
        await world.data(CANCEL, {"id": booked["id"]})
        async with exchange(world) as client:

            async def gone() -> None:
                assert await events_of(client, ROOM1) == []
                assert {i.status for i in await world.outbox(booked["id"])} == {"DONE"}

            await eventually(gone, 20)
    # then the log has the admin's request and Transom's own write, newest first
    nodes = (await world.data(LOG))["auditLog"]["nodes"]
    actions = [(n["action"], n["actorKind"]) for n in nodes]
    assert actions[:2] == [
        ("cancelInExchange", "AUTOMATIC"),
        ("cancelBooking", "TOKEN"),
    ]
    automatic = nodes[0]
    assert automatic["actor"] == "Transom (automatic)"
    assert automatic["targetType"] == "Room"
    assert automatic["targetName"]
    assert '"meeting": "Retro"' in automatic["after"]
    # and the booking request itself was recorded when it was made
    assert ("bookRoom", "TOKEN") in actions
