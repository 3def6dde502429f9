"""Websockets authenticated by the admin session cookie: our origin only."""

from __future__ import annotations

import json
from contextlib import closing
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.factories import make_tenant
from tests.web.admins import make_admin, signed_in_client

pytestmark = pytest.mark.anyio

VIEWER = "{ viewer { role tenantId } }"


async def first_result(server: str, cookie: str, origin: str | None) -> dict[str, Any]:
    url = server.replace("http", "ws") + "/graphql"
    headers = {"Cookie": f"transom_session={cookie}"}
    async with connect(
        url,
        subprotocols=["graphql-transport-ws"],
        additional_headers=headers,
        origin=origin,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": VIEWER}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        message: dict[str, Any] = json.loads(await ws.recv())
    if message["type"] == "next":
        result: dict[str, Any] = message["payload"]
        return result
    return {"errors": message["payload"]}


async def test_a_websocket_from_our_own_page_is_the_signed_in_admin(
    server: str, session
) -> None:
    # given
    tenant = await make_tenant(session)
    await make_admin(session, tenant)
    client, _ = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        cookie = client.cookies["transom_session"]
    # when
    result = await first_result(server, cookie, origin=server)
    # then
    assert result == {"data": {"viewer": {"role": "ADMIN", "tenantId": tenant.id}}}


async def test_a_websocket_from_another_site_is_refused_at_the_handshake(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    client, _ = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        cookie = client.cookies["transom_session"]
    # when
    with pytest.raises(InvalidStatus) as refused:
        await first_result(server, cookie, origin="https://evil.example")
    # then
    assert refused.value.response.status_code == 403


async def test_a_cookie_websocket_without_origin_is_refused(
    server: str, session
) -> None:
    # given: not a browser page of ours (browsers always send Origin)
    await make_admin(session)
    client, _ = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        cookie = client.cookies["transom_session"]
    # when
    result = await first_result(server, cookie, origin=None)
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "another site" in result["errors"][0]["message"]
