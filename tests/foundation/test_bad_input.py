"""Bad input of every kind gets a coded error, never INTERNAL or HTTP 500."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.factories import make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.api.transport.legacy_ws import LegacyWSHandler
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

CREATE = """
mutation ($input: CreateRoomInput!) { createRoom(input: $input) { room { id name } } }
"""
UPDATE = """
mutation ($id: ID!, $input: UpdateRoomInput!) {
  updateRoom(id: $id, input: $input) { room { id } } }
"""


def post_ascii(base: str, query: str, variables: dict, token: str) -> dict:
    """JSON with \\u escapes, so lone surrogates can be sent."""
    response = httpx.post(
        f"{base}/graphql",
        content=json.dumps({"query": query, "variables": variables}),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def codes(body: dict) -> list[str]:
    assert body.get("errors"), body
    return [e.get("extensions", {}).get("code") for e in body["errors"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("name", "x" * 500_000),
        ("name", "Aurora\x00"),
        ("name", "Aurora\ud800"),
        ("building", "b" * 201),
        ("building", "North\x00"),
        ("floor", "f" * 51),
    ],
)
async def test_room_text_too_long_or_with_nul_is_refused_with_the_field(
    api: GraphQLClient, session, field, value
) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    payload = {"name": "Aurora", field: value}
    body = post_ascii(api.base_url, CREATE, {"input": payload}, token)
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert api.data("{ rooms { name } }", token=token)["rooms"] == []


async def test_literal_with_lone_surrogate_escape_is_refused(
    api: GraphQLClient, session
) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    query = 'mutation { createRoom(input: {name: "A\\ud800"}) { room { id } } }'
    assert codes(api.post(query, token=token)) == ["GRAPHQL_PARSE_FAILED"]


@pytest.mark.parametrize(
    "query",
    [
        '{ rooms(search: "%s") { id } }' % ("s" * 201),
        '{ rooms(search: "a\\u0000") { id } }',
        '{ personByAddress(address: "%s@x.example") { id } }' % ("p" * 400),
        '{ personByAddress(address: "a\\u0000@x.example") { id } }',
    ],
)
async def test_bad_search_text_is_refused(api: GraphQLClient, session, query) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    assert codes(api.post(query, token=token)) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(json.dumps(["x", None]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([{"t": 1}, "x"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([[1], {"a": 2}]).encode()).decode(),
        "!!!",
    ],
)
async def test_crafted_cursor_is_refused(api: GraphQLClient, session, cursor) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    query = "query ($after: String) { people(after: $after) { edges { cursor } } }"
    assert codes(api.post(query, {"after": cursor}, token=token)) == ["BAD_USER_INPUT"]


def test_json_in_latin1_is_refused_with_415(server) -> None:
    response = httpx.post(
        f"{server}/graphql",
        content='{"query": "{ build { version } }"}'.encode("latin-1"),
        headers={"Content-Type": "application/json; charset=latin-1"},
    )
    assert response.status_code == 415


def test_nesting_bomb_in_variables_is_a_400(server) -> None:
    bomb = '{"query": "{ build { id } }", "variables": {"a": ' + "[" * 50_000
    bomb += "]" * 50_000 + "}}"
    response = httpx.post(
        f"{server}/graphql",
        content=bomb,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_nesting_bomb_in_the_webhook_is_a_400(server) -> None:
    bomb = '{"value": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = httpx.post(f"{server}/webhooks/graph", content=bomb)
    assert response.status_code == 400


def test_subscription_over_post_is_refused_with_a_code(server) -> None:
    response = httpx.post(
        f"{server}/graphql",
        json={"query": 'subscription { roomStatus(roomId: "x") { state } }'},
    )
    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_syntax_error_has_a_code(api: GraphQLClient) -> None:
    assert codes(api.post("{ rooms ")) == ["GRAPHQL_PARSE_FAILED"]


async def test_unknown_field_has_a_code(api: GraphQLClient) -> None:
    assert codes(api.post("{ nope }")) == ["GRAPHQL_VALIDATION_FAILED"]


CONNECT = """
mutation ($input: ConnectTenantInput!) { connectTenant(input: $input) {
  connectionTest { status } userErrors { field code } } }
"""


@pytest.mark.parametrize(
    ("directory_id", "client_id", "field"),
    [
        ("bad id!", "5b0e7c9a-1f2d-4a6b-8c3e-7d9f0a1b2c3d", "directoryId"),
        ("8d3a5f2e-4c1b-4e7a-9f60-2b7c1d9e0a51", "not a guid", "clientId"),
    ],
)
async def test_connect_tenant_refuses_ids_that_are_no_guid_or_domain(
    api: GraphQLClient, session, directory_id, client_id, field
) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    variables = {
        "input": {
            "tenantId": tenant.id,
            "directoryId": directory_id,
            "clientId": client_id,
            "clientSecret": "s",
        }
    }
    refused = api.user_errors(CONNECT, variables, token=token)
    assert refused == [{"field": ["input", field], "code": "BAD_USER_INPUT"}]


async def legacy_ws(base: str, token: str, payload: object) -> list[dict]:
    url = base.replace("http", "ws") + "/graphql"
    async with connect(url, subprotocols=["graphql-ws"]) as ws:
        init = {
            "type": "connection_init",
            "payload": {"Authorization": f"Bearer {token}"},
        }
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "start", "id": "1", "payload": payload}))
        messages = []
        while not messages or messages[-1]["type"] not in ("complete", "error"):
            messages.append(json.loads(await ws.recv()))
        return messages


async def test_queries_and_mutations_run_over_the_legacy_protocol(
    server, session
) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    create = 'mutation { createRoom(input: {name: "Aurora"}) { room { name } } }'
    created = await legacy_ws(server, token, {"query": create})
    listed = await legacy_ws(server, token, {"query": "{ rooms { name } }"})
    assert created[0]["payload"] == {
        "data": {"createRoom": {"room": {"name": "Aurora"}}}
    }
    assert listed[0]["payload"] == {"data": {"rooms": [{"name": "Aurora"}]}}
    assert [m["type"] for m in listed] == ["data", "complete"]


async def test_legacy_start_without_a_query_gets_a_coded_error(server, session) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    messages = await legacy_ws(server, token, None)
    assert messages[-1]["type"] == "error"
    assert messages[-1]["payload"]["extensions"]["code"] == "BAD_REQUEST"


async def test_legacy_socket_without_connection_init_is_closed(
    server, monkeypatch
) -> None:
    monkeypatch.setattr(LegacyWSHandler, "init_timeout", timedelta(seconds=0.3))
    url = server.replace("http", "ws") + "/graphql"
    async with connect(url, subprotocols=["graphql-ws"]) as ws:
        with pytest.raises(ConnectionClosed):
            await ws.recv()
    assert ws.close_code == 4408


async def test_a_room_for_a_tenant_that_does_not_exist_is_not_found(
    api: GraphQLClient, session
) -> None:
    superadmin = await make_token(session, None, Role.SUPERADMIN)
    query = (
        'mutation ($t: ID!) { createRoom(input: {name: "Aurora", tenantId: $t})'
        " { room { id } userErrors { code } } }"
    )
    refused = api.user_errors(
        query, {"t": "00000000-0000-0000-0000-000000000000"}, token=superadmin
    )
    assert [e["code"] for e in refused] == ["NOT_FOUND"]


async def test_a_nesting_bomb_over_a_websocket_closes_it_cleanly(server) -> None:
    url = server.replace("http", "ws") + "/graphql"
    bomb = '{"type": "connection_init", "payload": ' + "[" * 50_000 + "]" * 50_000
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(bomb + "}")
        with pytest.raises(ConnectionClosed):
            await ws.recv()
    assert ws.close_code == 4400
