"""Revoking a display closes its open websockets at once, on both protocols."""

from __future__ import annotations

import json
from datetime import timedelta

import anyio
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.displays.live_client import subscribe
from tests.displays.signage import operation, pair_display
from tests.factories import make_booking, make_room, make_tenant, make_token

pytestmark = pytest.mark.anyio

DISPLAYS = "{ displays { id } }"
REVOKE = "mutation R($id: ID!) { revokeDisplay(id: $id) { display { id } } }"


async def closed_code(ws) -> int | None:
    """Waits (at most 5 s) for the server to close the socket."""
    with anyio.fail_after(5):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed:
            return ws.close_code


async def test_a_revoked_displays_socket_is_closed(server, api, session) -> None:
    # given a display with its live feed open
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    (display,) = api.data(DISPLAYS, token=admin)["displays"]
    variables = {"roomId": room.id}
    async with subscribe(server, token, operation("RoomDayLive"), variables) as feed:
        await feed.next()
        # when an admin revokes it
        api.data(REVOKE, {"id": display["id"]}, token=admin)
        # then its socket is closed: no BookNow can be sent over it any more
        assert await closed_code(feed._ws) == 4403


async def test_a_revoked_displays_legacy_socket_is_closed(server, api, session) -> None:
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    (display,) = api.data(DISPLAYS, token=admin)["displays"]
    url = server.replace("http", "ws") + "/graphql"
    async with connect(url, subprotocols=["graphql-ws"]) as ws:
        init = {
            "type": "connection_init",
            "payload": {"Authorization": f"Bearer {token}"},
        }
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": operation("RoomDayLive"), "variables": {"roomId": room.id}}
        await ws.send(json.dumps({"type": "start", "id": "1", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "data"
        # when
        api.data(REVOKE, {"id": display["id"]}, token=admin)
        # then
        assert await closed_code(ws) == 4403


async def test_an_admins_socket_stays_open_when_another_display_is_revoked(
    server, api, session, clock
) -> None:
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    pair_display(api, admin, room.id)
    (display,) = api.data(DISPLAYS, token=admin)["displays"]
    async with subscribe(
        server, admin, operation("RoomDayLive"), {"roomId": room.id}
    ) as feed:
        await feed.next()
        api.data(REVOKE, {"id": display["id"]}, token=admin)
        api.data(
            'mutation { createRoom(input: {name: "Borealis"}) { room { id } } }',
            token=admin,
        )
        await make_booking(session, room, clock.now + timedelta(hours=1))
        api.data(
            "mutation ($id: ID!) { updateRoom(id: $id, input: {capacity: 9}) { room { id } } }",
            {"id": room.id},
            token=admin,
        )
        # the admin's feed goes on
        assert "data" in await feed.next()
