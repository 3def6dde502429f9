"""Every outbox result reaches the room's displays: the worker publishes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import anyio
import pytest

from tests.emulated_tenant import APP_PATH, exchange, system_clock
from tests.emulator.core_directory import ADELE, ROOM1, eventually
from tests.emulator.core_events import meeting
from tests.sync.outbox_harness import BookingWorld
from tests.sync.outlook import stamp
from transom.pubsub import (
    SYNC_CHANNEL,
    Event,
    MemoryBus,
    room_channel,
    tenant_channel,
)
from transom.sync.outbox.worker import OutboxWorker

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def worker_publishing_to(
    world: BookingWorld,
    events: list[Event],
    tenant_events: list[Event] | None = None,
    sync_events: list[Event] | None = None,
) -> AsyncIterator[None]:
    """A worker on its own bus; what it publishes for Room 1 (and the tenant) is collected."""
    bus = MemoryBus()
    worker = OutboxWorker(
        sessions=world.sessions,
        settings=world.settings,
        bus=bus,
        clock=system_clock,
        idle_seconds=0.1,
    )

    async with anyio.create_task_group() as task_group:
        await task_group.start(_collect, bus, room_channel(world.room_id), events)
        if tenant_events is not None:
            channel = tenant_channel(world.tenant_id)
            await task_group.start(_collect, bus, channel, tenant_events)
        if sync_events is not None:
            await task_group.start(_collect, bus, SYNC_CHANNEL, sync_events)
        task_group.start_soon(worker.run)
        try:
            yield
        finally:
            task_group.cancel_scope.cancel()


async def _collect(
    bus: MemoryBus,
    channel: str,
    events: list[Event],
    *,
    task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    async with bus.subscribe(channel) as queue:
        task_status.started()
        while True:
            events.append(await queue.get())


def slot(world: BookingWorld) -> tuple[datetime, datetime]:
    start, end = world.slot()
    return datetime.fromisoformat(start), datetime.fromisoformat(end)


async def test_a_confirmed_booking_is_published(world: BookingWorld) -> None:
    # given
    events: list[Event] = []
    sync_events: list[Event] = []
    booked = world.book()
    # when
    async with worker_publishing_to(world, events, sync_events=sync_events):
        await world.state_becomes(booked["id"], "CONFIRMED")
        await anyio.sleep(0.1)
    # then
    assert {"type": "booking", "roomId": world.room_id}.items() <= events[0].items()
    assert sync_events == []  # nothing to read again


async def test_a_declined_booking_is_published(world: BookingWorld) -> None:
    # given the slot already taken in the room calendar, unknown to Transom
    events: list[Event] = []
    start, end = slot(world)
    async with exchange(world) as client:
        rival = meeting("Walk-in", stamp(start), stamp(end))
        await client.users.by_user_id(ROOM1).events.post(rival)
    booked = world.book()
    sync_events: list[Event] = []
    # when
    async with worker_publishing_to(world, events, sync_events=sync_events):
        await world.state_becomes(booked["id"], "DECLINED")
        await anyio.sleep(0.1)
    # then the displays reload, and the room is read again so they learn who
    # holds it (the walk-in)
    assert [e["roomId"] for e in events] == [world.room_id]
    (wake,) = sync_events
    assert {
        "type": "wake",
        "scope": "room",
        "id": world.room_id,
    }.items() <= wake.items()


async def test_a_failed_write_is_published(world: BookingWorld) -> None:
    # given the app may no longer open the room's mailbox
    events: list[Event] = []
    tenant_events: list[Event] = []
    await world.control("PUT", f"{APP_PATH}/access-policy", {"mailboxes": [ADELE]})
    booked = world.book()
    # when
    async with worker_publishing_to(world, events, tenant_events):

        async def failed() -> None:
            (item,) = await world.outbox(booked["id"])
            assert item.status == "FAILED"

        await eventually(failed, 20)
        await anyio.sleep(0.1)
    # then the booking stays PENDING, its displays were told to reload, and the
    # admins' open sync logs (tenantSync) too
    assert (await world.booking(booked["id"])).state == "PENDING"
    assert [e["roomId"] for e in events] == [world.room_id]
    assert [e["tenantId"] for e in tenant_events] == [world.tenant_id]
