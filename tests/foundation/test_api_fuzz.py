"""Fuzzing every query and mutation: no input makes the server fail.

hypothesis-graphql writes documents from the exported schema, valid ones (any
argument values the types allow, NUL characters and odd Unicode included) and,
one in four, invalid ones. They go over HTTP to a real server whose tenant is
connected to the Graph emulator, with real rooms, people and displays, as a
superadmin (who may call everything) and as the tenant's reader. IDs are drawn
from real objects as well as made up. Every answer must be a GraphQL answer:
no HTTP 5xx, no INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import StringValueNode, build_schema, is_required_argument
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from tests.servers import serve_in_thread
from tests.sync.harness import provision
from transom.app import create_app
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.settings import Settings

SCHEMA = (Path(__file__).parents[2] / "schema" / "schema.graphql").read_text()
BOOTSTRAP = "fuzz-superadmin-token-0123456789"
# Per database: over 2,000 operations across SQLite and PostgreSQL.
EXAMPLES = int(os.environ.get("TRANSOM_FUZZ_EXAMPLES", "1000"))


def root_fields() -> dict[str, bool]:
    """Every query and mutation, and whether it has a required argument (only
    those can be sent invalid by hypothesis-graphql's negative mode)."""
    schema = build_schema(SCHEMA)
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    fields = {**schema.query_type.fields, **schema.mutation_type.fields}
    return {
        name: any(is_required_argument(a) for a in field.args.values())
        for name, field in sorted(fields.items())
    }


@dataclass
class World:
    base_url: str
    graph_url: str
    tokens: list[str]
    ids: list[str]
    texts: list[str]


def post(base_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base_url}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


def connected_tenant(base_url: str, graph_url: str) -> World:
    """A tenant connected to the emulator, its rooms imported, people synced,
    one display paired; the ids and addresses the fuzzer may use."""
    tenant = post(
        base_url,
        BOOTSTRAP,
        'mutation { createTenant(input: {name: "Contoso", timeZone: "Europe/Oslo"})'
        " { tenant { id } } }",
    )["createTenant"]["tenant"]["id"]
    expires = (datetime.now(UTC) + timedelta(days=300)).isoformat()
    post(
        base_url,
        BOOTSTRAP,
        "mutation ($i: ConnectTenantInput!) { connectTenant(input: $i) { connectionTest { status } } }",
        i={
            "tenantId": tenant,
            "directoryId": TENANT_ID,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "secretExpiresAt": expires,
        },
    )
    rooms = post(
        base_url,
        BOOTSTRAP,
        "mutation ($t: ID!) { importRooms(tenantId: $t) { rooms { id mailbox } } }",
        t=tenant,
    )["importRooms"]["rooms"]
    post(
        base_url,
        BOOTSTRAP,
        "mutation ($t: ID!) { syncPeople(tenantId: $t) { imported { total } } }",
        t=tenant,
    )
    people = post(
        base_url,
        BOOTSTRAP,
        "query ($t: ID!) { people(tenantId: $t) { nodes { id email } } }",
        t=tenant,
    )["people"]["nodes"]
    pairing = post(
        base_url, "", "mutation { requestDisplayPairing { pairing { code secret } } }"
    )
    code = pairing["requestDisplayPairing"]["pairing"]["code"]
    display = post(
        base_url,
        BOOTSTRAP,
        "mutation ($c: String!, $r: ID!) { pairDisplay(code: $c, roomId: $r) { display { id } } }",
        c=code,
        r=rooms[0]["id"],
    )["pairDisplay"]["display"]["id"]
    ids = [tenant, display, *(r["id"] for r in rooms), *(p["id"] for p in people)]
    texts = [*(r["mailbox"] for r in rooms), *(p["email"] for p in people)]
    device = pairing["requestDisplayPairing"]["pairing"]["secret"]
    return World(base_url, graph_url, [BOOTSTRAP, device], ids, texts)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    emulator = create_emulator(seed="empty", attendant_delay=0.05)
    provision(emulator.state.emulator)
    with serve_in_thread(emulator) as graph_url:
        env = {
            "TRANSOM_DATA_DIR": str(tmp_path / "data"),
            "TRANSOM_DATABASE_URL": database_url,
            "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "TRANSOM_RUN_SYNC": "false",
            "TRANSOM_GRAPH_URL": graph_url,
            "TRANSOM_AUTHORITY_URL": graph_url,
            "TRANSOM_BOOTSTRAP_TOKEN": BOOTSTRAP,
        }
        with serve_in_thread(create_app(Settings.from_env(env))) as base_url:
            yield connected_tenant(base_url, graph_url)


def operations(world: World) -> st.SearchStrategy[tuple[str, str]]:
    known = st.sampled_from([*world.ids, "00000000-0000-0000-0000-000000000000"])
    ids = st.one_of(known, st.text(max_size=40)).map(lambda v: StringValueNode(value=v))
    moments = st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ).map(lambda d: StringValueNode(value=d.isoformat()))
    scalars = {"ID": ids, "DateTime": moments}
    schema = build_schema(SCHEMA)

    def documents(field: str, has_required: bool) -> st.SearchStrategy[object]:
        valid = from_schema(schema, fields=[field], custom_scalars=scalars)
        if not has_required:
            return valid
        invalid = from_schema(
            schema, fields=[field], custom_scalars=scalars, mode=Mode.NEGATIVE
        )
        return st.one_of(valid, valid, valid, invalid)

    # Built once per field (building one parses the schema's types).
    per_field = [documents(f, required) for f, required in root_fields().items()]
    superadmin, device = world.tokens
    tokens = st.sampled_from([superadmin, superadmin, superadmin, device])
    return st.tuples(tokens, st.one_of(per_field).map(str))


def test_no_operation_makes_the_server_fail(world: World) -> None:
    seen: list[str] = []
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(operations(world))
    def run(operation: tuple[str, str]) -> None:
        token, query = operation
        response = http.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {token}"},
        )
        seen.append(query)
        if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in response.text:
            failures.append(f"{response.status_code} {query!r}: {response.text[:300]}")

    with httpx.Client(base_url=world.base_url, timeout=60) as http:
        run()
    assert len(seen) >= EXAMPLES
    assert failures == []


def test_sync_people_with_refused_credentials_is_a_coded_graph_error(
    world: World,
) -> None:
    # given the tenant's client secret expired in Entra ID
    expire = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}/secrets/all/expire"
    assert httpx.post(world.graph_url + expire).status_code < 300
    tenant = world.ids[0]
    # when an admin imports the directory
    body = httpx.post(
        f"{world.base_url}/graphql",
        json={
            "query": "mutation ($t: ID!) { syncPeople(tenantId: $t) { imported { total } userErrors { code message hint } } }",
            "variables": {"t": tenant},
        },
        headers={"Authorization": f"Bearer {BOOTSTRAP}"},
        timeout=60,
    ).json()
    # then a coded userError with how to fix it, not INTERNAL
    assert "errors" not in body, body
    payload = body["data"]["syncPeople"]
    assert payload["imported"] is None
    (error,) = payload["userErrors"]
    assert error["code"] == "GRAPH_ERROR"
    assert "secret" in error["hint"].lower()
