"""Work a request can cause is bounded: cost, body size, websocket init."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.api.transport.http import MAX_BODY
from transom.api.transport.legacy_ws import LegacyWSHandler
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations"
NESTED = (
    "{ rooms { tenant { rooms { tenant { rooms { tenant { rooms { name } } } } } } } }"
)


async def test_nested_rooms_attack_is_refused_before_it_runs(
    api: GraphQLClient, session
) -> None:
    # given a reader token and a tenant with rooms
    tenant = await make_tenant(session)
    for name in ("Aurora", "Borealis", "Cirrus"):
        await make_room(session, tenant, name)
    reader = await make_token(session, tenant, Role.READER)
    # when
    body = api.post(NESTED, token=reader)
    # then refused, nothing executed
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > 50_000


async def test_the_admin_uis_heaviest_page_is_within_the_cost_limit(
    api: GraphQLClient, session
) -> None:
    tenant = await make_tenant(session)
    await make_room(session, tenant)
    admin = await make_token(session, tenant)
    query = (OPERATIONS / "web" / "RoomsOfTenant.graphql").read_text()
    variables = {
        "tenantId": tenant.id,
        "dayStart": "2026-11-23T00:00:00Z",
        "dayEnd": "2026-11-24T00:00:00Z",
    }
    assert api.data(query, variables, token=admin)["tenant"]["rooms"]


def test_a_30_mb_body_is_refused_while_healthz_answers(server) -> None:
    # given an unauthenticated client streaming a 30 MB comment-only query
    chunk = b"#" * 1_000_000
    sent: list[int] = []
    health: list[int] = []

    def body():
        yield b'{"query": "'
        for _ in range(30):
            if len(sent) == 1:  # the upload is under way: ask for /healthz
                health.append(httpx.get(f"{server}/healthz").status_code)
            sent.append(len(chunk))
            yield chunk
        yield b'{ build { id } }"}'

    outcome: list[httpx.Response | httpx.HTTPError] = []

    def upload() -> None:
        try:
            outcome.append(
                httpx.post(
                    f"{server}/graphql",
                    content=body(),
                    headers={"Content-Type": "application/json"},
                )
            )
        except httpx.HTTPError as error:  # the server may close mid-upload
            outcome.append(error)

    # when
    thread = threading.Thread(target=upload)
    thread.start()
    thread.join(timeout=60)
    # then /healthz answered during the upload, and the body was refused at the
    # cap: a 413, or the connection closed before the 30 MB were all sent
    assert health == [200]
    (result,) = outcome
    if isinstance(result, httpx.Response):
        assert result.status_code == 413
        code = result.json()["errors"][0]["extensions"]["code"]
        assert code == "PAYLOAD_TOO_LARGE"
    else:
        assert sum(sent) < 30 * len(chunk)


def test_a_declared_oversize_body_is_refused_at_once(server) -> None:
    response = httpx.post(
        f"{server}/graphql",
        content=b"{" + b" " * (MAX_BODY + 1) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


async def test_transport_ws_socket_without_connection_init_is_closed(
    server, monkeypatch
) -> None:
    monkeypatch.setattr(LegacyWSHandler, "init_timeout", timedelta(seconds=0.3))
    url = server.replace("http", "ws") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        with pytest.raises(ConnectionClosed):
            await ws.recv()
    assert ws.close_code == 4408
