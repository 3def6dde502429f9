"""A display's live feed gets a push only when what it shows changed: not after
another room's booking, a change it does not show or the periodic re-check
(compressed here from a minute to 0.2 s), and exactly one after a change it shows."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import timedelta

import anyio
import pytest

from tests.displays.live_client import Subscription, subscribe
from tests.displays.signage import operation, pair_display
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.settings import Settings

pytestmark = pytest.mark.anyio

RECHECK = 0.2  # the once-a-minute re-check, compressed
QUIET = 1.5  # several re-checks
UPDATE_ROOM = (
    "mutation U($id: ID!) { updateRoom(id: $id, input: {capacity: 9}) { room { id } } }"
)


@pytest.fixture
def quick_server(settings: Settings, clock) -> Iterator[str]:
    fast = dataclasses.replace(settings, live_recheck_seconds=RECHECK)
    with serve_in_thread(create_app(fast, clock=clock)) as base_url:
        yield base_url


async def pushes_within(feed: Subscription, seconds: float) -> list[dict]:
    """Every message the server sends in the next ``seconds``."""
    received: list[dict] = []
    with anyio.move_on_after(seconds):
        while True:
            received.append(json.loads(await feed._ws.recv()))
    return received


async def test_a_display_is_pushed_only_what_changes_its_view(
    quick_server, session, clock
) -> None:
    # given a display watching its room, in a tenant with another room
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    other = await make_room(session, tenant, name="Borealis")
    admin = await make_token(session, tenant)
    with GraphQLClient(quick_server, admin) as api:
        token = pair_display(api, admin, room.id)
        live, variables = operation("RoomDayLive"), {"roomId": room.id}
        async with subscribe(quick_server, token, live, variables) as feed:
            await feed.next()
            # when another room gets a meeting, and this room a change it does
            # not show, and several re-checks pass
            await make_booking(session, other, clock.now + timedelta(minutes=30))
            api.data(UPDATE_ROOM, {"id": other.id})
            api.data(UPDATE_ROOM, {"id": room.id})
            unrelated = await pushes_within(feed, QUIET)
            # and then this room gets a meeting
            await make_booking(
                session, room, clock.now + timedelta(hours=1), subject="Standup"
            )
            api.data(UPDATE_ROOM, {"id": room.id})
            shown = await pushes_within(feed, QUIET)
    # then nothing was pushed for the unrelated changes, and one push for the meeting
    assert unrelated == []
    assert len(shown) == 1
    day = shown[0]["payload"]["data"]["roomBookings"]
    assert [b["subject"] for b in day["bookings"]] == ["Standup"]


async def test_the_periodic_recheck_pushes_when_a_meeting_starts_and_only_then(
    quick_server, session, clock
) -> None:
    # given a display of a room whose meeting starts in two hours
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    start = clock.now + timedelta(hours=2)
    await make_booking(session, room, start, subject="Board")
    with GraphQLClient(quick_server, admin) as api:
        token = pair_display(api, admin, room.id)
        live, variables = operation("RoomDayLive"), {"roomId": room.id}
        async with subscribe(quick_server, token, live, variables) as feed:
            first = (await feed.next())["data"]["roomBookings"]
            idle = await pushes_within(feed, QUIET)
            # when the clock passes the meeting's start (no event at all)
            clock.now = start + timedelta(minutes=1)
            started = await pushes_within(feed, QUIET)
    # then only the re-check after the start pushed, once
    assert first["status"]["state"] == "FREE"
    assert idle == []
    assert len(started) == 1
    assert started[0]["payload"]["data"]["roomBookings"]["status"]["state"] == "BUSY"
