"""One query through every transport: HTTP POST and GET, both websocket protocols."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.factories import make_booking, make_room, make_tenant, make_token

pytestmark = pytest.mark.anyio

QUERY = "{ rooms { name } }"
EXPECTED = {"rooms": [{"name": "Aurora"}]}


async def via_post(base: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        r = await client.post(
            f"{base}/graphql",
            json={"query": QUERY},
            headers={"Authorization": f"Bearer {token}"},
        )
    return r.json()


async def via_get(base: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        r = await client.get(
            f"{base}/graphql",
            params={"query": QUERY},
            headers={"Authorization": f"Bearer {token}"},
        )
    return r.json()


async def via_transport_ws(base: str, token: str, query: str = QUERY) -> dict[str, Any]:
    url = base.replace("http", "ws") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {
            "type": "connection_init",
            "payload": {"Authorization": f"Bearer {token}"},
        }
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        op = str(uuid.uuid4())
        payload = {"query": query}
        await ws.send(json.dumps({"type": "subscribe", "id": op, "payload": payload}))
        message = json.loads(await ws.recv())
        assert message["type"] == "next", message
        return message["payload"]


async def via_legacy_ws(base: str, token: str, query: str = QUERY) -> dict[str, Any]:
    url = base.replace("http", "ws") + "/graphql"
    async with connect(url, subprotocols=["graphql-ws"]) as ws:
        init = {
            "type": "connection_init",
            "payload": {"Authorization": f"Bearer {token}"},
        }
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps({"type": "start", "id": "1", "payload": {"query": query}})
        )
        message = json.loads(await ws.recv())
        while message["type"] == "ka":
            message = json.loads(await ws.recv())
        assert message["type"] == "data", message
        return message["payload"]


@pytest.mark.parametrize("transport", [via_post, via_get, via_transport_ws])
async def test_rooms_query_works_over_every_transport(
    server, session, transport
) -> None:
    tenant = await make_tenant(session)
    await make_room(session, tenant, "Aurora")
    token = await make_token(session, tenant)
    assert (await transport(server, token)) == {"data": EXPECTED}


async def test_websocket_without_token_is_unauthenticated(server) -> None:
    url = server.replace("http", "ws") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps({"type": "subscribe", "id": "1", "payload": {"query": QUERY}})
        )
        message = json.loads(await ws.recv())
    errors = (
        message["payload"]["errors"]
        if message["type"] == "next"
        else message["payload"]
    )
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_mutations_are_refused_over_get(server, session) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    async with httpx.AsyncClient() as client:
        r = await client.get(
            f"{server}/graphql",
            params={
                "query": 'mutation { createRoom(input: {name: "X"}) { room { id } } }'
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    # GraphQL over HTTP: a mutation over GET is 405 Method Not Allowed
    assert r.status_code == 405
    error = r.json()["errors"][0]
    assert "mutations are not allowed" in error["message"].lower()
    assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("transport", [via_transport_ws, via_legacy_ws])
async def test_room_status_subscription_works_over_both_websocket_protocols(
    server, session, clock, transport
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    await make_booking(session, room, clock.now - timedelta(minutes=5), 30)
    token = await make_token(session, tenant)
    query = f'subscription {{ roomStatus(roomId: "{room.id}") {{ state }} }}'
    # when
    first = await transport(server, token, query)
    # then
    assert first == {"data": {"roomStatus": {"state": "BUSY"}}}
