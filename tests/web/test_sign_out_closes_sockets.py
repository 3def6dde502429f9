"""Signing out closes the session's open websockets at once."""

from __future__ import annotations

import json

import anyio
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.factories import make_tenant
from tests.web.admins import make_admin, signed_in_client

pytestmark = pytest.mark.anyio

VIEWER = "{ viewer { role } }"


async def closed_code(ws) -> int | None:
    """Waits (at most 5 s) for the server to close the socket."""
    with anyio.fail_after(5):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed:
            return ws.close_code


async def test_a_signed_out_admins_socket_is_closed(server: str, session) -> None:
    # given an admin's page with its websocket open and used
    tenant = await make_tenant(session)
    await make_admin(session, tenant)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    cookie = client.cookies["transom_session"]
    url = server.replace("http", "ws") + "/graphql"
    headers = {"Cookie": f"transom_session={cookie}"}
    async with connect(
        url,
        subprotocols=["graphql-transport-ws"],
        additional_headers=headers,
        origin=server,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": VIEWER}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        assert json.loads(await ws.recv())["payload"]["data"]["viewer"]["role"] == (
            "ADMIN"
        )
        # when the admin signs out (in another tab)
        signed_out = client.post("/admin/sign-out", data={"csrf": csrf})
        assert signed_out.status_code == 303
        # then the socket is closed: no updateRoom can be sent over it any more
        assert await closed_code(ws) == 4403
    client.close()
