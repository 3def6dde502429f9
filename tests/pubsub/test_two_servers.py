"""Two `transom serve` processes on one database and one bus: a change made
through one reaches a subscriber of the other."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import pytest

from tests.displays.live_client import subscribe
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.processes import transom_serve
from tests.pubsub.backends import pubsub_url

pytestmark = pytest.mark.anyio

UPDATE_ROOM = 'mutation U($id: ID!) { updateRoom(id: $id, input: {name: "Nova"}) { room { id } } }'
ROOM_DAY = (
    "subscription D($r: ID!) { roomBookings(roomId: $r) { roomId status { state } } }"
)
ROOM_STATUS = "subscription S($r: ID!) { roomStatus(roomId: $r) { state } }"


@pytest.mark.parametrize(
    ("backend", "query"),
    [("redis", ROOM_DAY), ("postgresql", ROOM_STATUS)],
    ids=["redis-roomBookings", "postgresql-roomStatus"],
)
async def test_a_change_through_one_server_reaches_a_subscriber_of_the_other(
    backend, query, database_url, session, tmp_path
) -> None:
    # given two servers sharing the database and the bus
    env = {
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_PUBSUB_URL": pubsub_url(backend),
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
    }
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    token = await make_token(session, tenant)
    with ExitStack() as servers:
        first = servers.enter_context(transom_serve(env, tmp_path / "a")).url
        second = servers.enter_context(transom_serve(env, tmp_path / "b")).url
        async with subscribe(second, token, query, {"r": room.id}) as feed:
            await feed.next(seconds=10)
            # when a meeting now is stored and the room changes through the
            # first server (subscribers are pushed only what they see change)
            now = datetime.now(UTC)
            await make_booking(session, room, now - timedelta(minutes=5))
            with GraphQLClient(first, token) as api:
                api.data(UPDATE_ROOM, {"id": room.id})
            # then the second server's subscriber hears of it within two seconds
            pushed = await feed.next(seconds=2)
    assert "errors" not in pushed, pushed
    data = pushed["data"]
    state = (
        data["roomStatus"] if "roomStatus" in data else data["roomBookings"]["status"]
    )
    assert state["state"] == "BUSY"
