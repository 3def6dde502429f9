"""Sync work shared by processes through leases in the database they share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
import pytest

from transom.sync.ownership import TTL, Ownership

pytestmark = pytest.mark.anyio

KEYS = {f"room-{n}" for n in range(10)} | {"singleton:no-show-release"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def beats(processes: list[Ownership], rounds: int = 2) -> list[set[str]]:
    for _ in range(rounds):
        for process in processes:
            await process.beat(KEYS)
    return [p.owned for p in processes]


def assert_partition(owned: list[set[str]]) -> None:
    union = set().union(*owned)
    assert union == KEYS
    assert sum(len(o) for o in owned) == len(KEYS)  # nobody runs a key twice


async def test_two_processes_split_the_work_evenly(sessions):
    clock = Clock()
    a, b = (Ownership(sessions, clock, process_id=n) for n in "ab")
    owned = await beats([a, b])
    assert_partition(owned)
    assert sorted(len(o) for o in owned) == [5, 6]


async def test_a_joining_process_takes_its_share(sessions):
    clock = Clock()
    a, b = (Ownership(sessions, clock, process_id=n) for n in "ab")
    await beats([a, b])
    c = Ownership(sessions, clock, process_id="c")
    owned = await beats([a, b, c], rounds=3)
    assert_partition(owned)
    assert max(len(o) for o in owned) == 4
    assert min(len(o) for o in owned) >= 3


async def test_a_dead_process_s_work_moves_to_the_others_once_its_leases_expire(
    sessions,
):
    clock = Clock()
    a, b, c = (Ownership(sessions, clock, process_id=n) for n in "abc")
    await beats([a, b, c], rounds=3)
    dead = set(c.owned)
    assert dead
    # when c stops beating (killed) and less than a lease passes
    clock.now += TTL / 2
    await beats([a, b])
    assert not dead & (a.owned | b.owned)
    # then once its leases have expired, a and b hold everything
    clock.now += TTL
    owned = await beats([a, b])
    assert_partition(owned)


async def test_a_process_leaving_cleanly_hands_over_at_the_next_beat(sessions):
    clock = Clock()
    a, b = (Ownership(sessions, clock, process_id=n) for n in "ab")
    await beats([a, b])
    await b.leave()
    clock.now += timedelta(seconds=5)
    assert await a.beat(KEYS) == KEYS


async def test_processes_beating_at_the_same_moment_never_share_a_key(sessions):
    clock = Clock()
    processes = [Ownership(sessions, clock, process_id=f"p{n}") for n in range(4)]
    for _ in range(3):
        async with anyio.create_task_group() as tg:
            for process in processes:
                tg.start_soon(process.beat, KEYS)
    owned = [p.owned for p in processes]
    assert sum(len(o) for o in owned) == len(set().union(*owned))
    owned = await beats(processes, rounds=2)
    assert_partition(owned)
