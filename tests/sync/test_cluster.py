"""Three `transom serve` processes on PostgreSQL + Redis behind a round-robin proxy.

Graph's webhook deliveries land on any process; the process that runs the
room's loop must hear of them. The sync work is shared (each room's loop runs
in exactly one process), and a killed process's rooms move to the others.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.sync.bursts import assert_exactly_once, book_burst, settled
from tests.sync.cluster import (
    ROOMS,
    all_arrived,
    cluster,
    link_all,
    outlook_meetings,
    owners,
    seed,
)
from tests.sync.harness import Api, eventually

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(500)]


async def test_three_processes_share_the_rooms_and_hear_every_notification(
    empty_database_url, tmp_path
):
    with cluster(empty_database_url, tmp_path) as world:
        tenant_id, token = await seed(empty_database_url)
        api = Api(world["proxy"], token, tenant_id)
        rooms = await link_all(api)

        # then the 50 rooms and 3 singletons are spread over the three
        spread = await owners(empty_database_url)
        assert sum(spread.values()) == ROOMS + 3
        assert len(spread) == 3
        assert max(spread.values()) <= 18

        # when a meeting is made in Outlook in every room (notifications land
        # on any process through the proxy), then all arrive within 2 s
        boxes = sorted(rooms)
        await outlook_meetings(world["emulator"], boxes, 9)
        await all_arrived(api, boxes, 9, 2.0)

        # and 100 bookings spread over the three are exactly once on both sides
        some = {box: rooms[box] for box in boxes[:5]}
        booked = await book_burst(api, some, count=100, in_flight=8)
        await eventually(lambda: settled(api, booked), 120, "burst settled")
        await assert_exactly_once(api, world["emulator"], booked)

        # when one process is killed (-9) right after it accepted 30 more
        # bookings, while their writes are under way, the others finish them,
        # exactly once, and its rooms resume in the others within 30 s
        victim = world["servers"][0]
        on_victim = Api(victim.url, token, tenant_id)
        more = await book_burst(on_victim, some, count=30, in_flight=8, first=100)
        victim.kill()
        survivors = [s.url for s in world["servers"][1:]]
        direct = Api(survivors[0], token, tenant_id)
        await outlook_meetings(world["emulator"], boxes, 11)
        await all_arrived(direct, boxes, 11, 30.0)
        await eventually(lambda: settled(direct, more), 120, "the victim's writes")
        await assert_exactly_once(direct, world["emulator"], booked + more)

        async def two_owners() -> Counter[str] | None:
            spread = await owners(empty_database_url)
            return spread if len(spread) == 2 else None

        spread = await eventually(two_owners, 10, "the dead process's leases taken")
        assert sum(spread.values()) == ROOMS + 3
