"""Subscriptions held beyond a request: entered and exited by one task of the
lifespan, whichever request asked or let go, and all exited at shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import pytest
from anyio.lowlevel import checkpoint

from transom.pubsub import Event, HeldSubscriptions, MemoryBus, room_channel

pytestmark = pytest.mark.anyio

CHANNEL = room_channel("r1")
EVENT = {"type": "room", "roomId": "r1"}


class TaskBus(MemoryBus):
    """A bus whose every subscription owns a task (a task group: a cancel
    scope), as a backend listening per channel would; such a subscription
    must be exited by the task that entered it."""

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Event]]:
        async with (
            anyio.create_task_group() as tasks,
            super().subscribe(channel) as events,
        ):
            tasks.start_soon(anyio.sleep_forever)
            yield events
            tasks.cancel_scope.cancel()


@asynccontextmanager
async def lifespan(bus: MemoryBus) -> AsyncIterator[HeldSubscriptions]:
    held = HeldSubscriptions(bus)
    async with anyio.create_task_group() as tasks:
        await tasks.start(held.run)
        yield held
        tasks.cancel_scope.cancel()


async def held_by_a_request(subscriptions: HeldSubscriptions):
    """What a request that has ended held."""
    found = []
    async with anyio.create_task_group() as request:
        request.start_soon(lambda: _hold(subscriptions, found))
    return found[0]


async def _hold(subscriptions: HeldSubscriptions, found: list[object]) -> None:
    found.append(await subscriptions.hold(CHANNEL))


async def test_a_subscription_outlives_the_request_that_asked_and_ends_at_shutdown():
    # given a bus whose subscriptions own a task, held for a request now ended
    bus = TaskBus()
    with anyio.fail_after(5):
        async with lifespan(bus) as subscriptions:
            held = await held_by_a_request(subscriptions)
            # when something is published on its channel
            await bus.publish(CHANNEL, EVENT)
            # then the held subscription hears it
            assert held.events.get_nowait()["roomId"] == "r1"
        # and shutdown exits it (within the deadline): it hears nothing more
        await bus.publish(CHANNEL, EVENT)
    assert held.events.empty()


async def test_a_released_subscription_hears_nothing_more() -> None:
    # given a subscription held for one request
    bus = TaskBus()
    async with lifespan(bus) as subscriptions:
        held = await held_by_a_request(subscriptions)
        # when another request lets it go
        subscriptions.release(held)
        for _ in range(3):
            await checkpoint()  # the holder's turn
        await bus.publish(CHANNEL, EVENT)
        # then it hears nothing more
        assert held.events.empty()


async def test_nothing_is_held_before_start_or_after_shutdown() -> None:
    # given subscriptions whose task has not started
    bus = MemoryBus()
    subscriptions = HeldSubscriptions(bus)
    # then nothing is held (the caller reads again every time)
    assert await subscriptions.hold(CHANNEL) is None
    # and when it has run and stopped, nothing is held either
    async with lifespan(bus) as running:
        assert await running.hold(CHANNEL) is not None
    assert await running.hold(CHANNEL) is None
