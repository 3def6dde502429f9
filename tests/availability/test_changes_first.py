"""Changes first: a synced person's change is not queued behind first syncs."""

from __future__ import annotations

import anyio
import pytest

from tests.availability.harness import PROGRESS, SYNC_PEOPLE, PeopleWorld
from tests.availability.test_calendar_sync import (
    followed,
    in_outlook,
)
from tests.emulator.core_directory import ADELE
from tests.sync.harness import eventually
from transom.emulator import TENANT_ID
from transom.emulator.provisioning import add_user
from transom.sync.round_limiter import RoundLimiter

pytestmark = pytest.mark.anyio

NEWCOMERS = 64
LATENCY_MS = 400  # every Graph request: a first sync takes about a second


async def test_a_synced_persons_change_is_applied_ahead_of_queued_first_syncs(
    world: PeopleWorld,
) -> None:
    # given Adele's calendar is followed, and many newcomers join the directory
    await followed(world, ADELE)
    for n in range(NEWCOMERS):
        add_user(world.emulator, TENANT_ID, f"Newcomer {n}", f"newcomer{n}")
    await world.control("POST", "/_emulator/faults", {"latencyMs": LATENCY_MS})
    # when their first syncs start (8 at a time, about 8 s of queue)
    await world.data(SYNC_PEOPLE, {"tenantId": world.tenant_id})

    async def queue_running() -> dict[str, int] | None:
        found = await world.data(PROGRESS, {"tenantId": world.tenant_id})
        progress: dict[str, int] = found["peopleCalendarProgress"]
        return progress if 0 < progress["synced"] - 1 < 16 else None

    await eventually(queue_running, 20, "first syncs under way")
    # and Adele makes a meeting in Outlook meanwhile
    await in_outlook(world, ADELE, "Budget review")

    # then her availability shows it while most first syncs still wait (in
    # order of arrival it would come after all of them: about 8 s; bench/
    # measures the latency itself)
    async def busy_while_queued() -> list[int] | None:
        people = await world.people()
        if people[ADELE]["availability"] != "BUSY":
            return None
        return [sum(p["calendarStatus"] == "SYNCING" for p in people.values())]

    [still_syncing] = await eventually(busy_while_queued, 20, "Adele busy")
    assert still_syncing > NEWCOMERS // 3


async def test_urgent_rounds_are_served_first_and_may_use_the_reserve() -> None:
    # given one shared slot and one reserved, the shared one busy
    limiter = RoundLimiter(shared=1, reserved=1)
    order: list[str] = []
    release = anyio.Event()

    async def round_(name: str, *, urgent: bool, hold: bool = False) -> None:
        async with limiter.slot(name, urgent=urgent):
            order.append(name)
            if hold:
                await release.wait()

    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: round_("first sync 1", urgent=False, hold=True))
        await anyio.sleep(0.01)
        tg.start_soon(lambda: round_("first sync 2", urgent=False))
        await anyio.sleep(0.01)
        # when a notified change arrives behind the waiting first sync
        tg.start_soon(lambda: round_("notified", urgent=True))
        await anyio.sleep(0.01)
        # then it ran at once in the reserved slot; the first sync still waits
        assert order == ["first sync 1", "notified"]
        assert limiter.waiting == 1
        release.set()
    assert order == ["first sync 1", "notified", "first sync 2"]
    assert limiter.running_ordinary == limiter.running_urgent == 0


async def test_a_round_waiting_as_ordinary_is_promoted_when_notified() -> None:
    # given the only shared slot busy and a synced person's reconciliation waiting
    limiter = RoundLimiter(shared=1, reserved=1)
    order: list[str] = []
    release = anyio.Event()

    async def round_(name: str, *, urgent: bool, hold: bool = False) -> None:
        async with limiter.slot(name, urgent=urgent):
            order.append(name)
            if hold:
                await release.wait()

    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: round_("first sync", urgent=False, hold=True))
        await anyio.sleep(0.01)
        tg.start_soon(lambda: round_("adele", urgent=False))
        await anyio.sleep(0.01)
        assert order == ["first sync"]
        # when a change notification for her arrives
        limiter.promote("adele")
        await anyio.sleep(0.01)
        # then her round runs at once in the reserved slot
        assert order == ["first sync", "adele"]
        release.set()
