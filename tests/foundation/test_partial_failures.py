"""One failing field does not wipe the rest of the response."""

from __future__ import annotations

import pytest

from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

MISSING = "00000000-0000-0000-0000-000000000000"


async def test_a_missing_room_keeps_its_sibling_viewer(
    api: GraphQLClient, session
) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    query = "query ($id: ID!) { viewer { role } room(id: $id) { name } }"
    body = api.post(query, {"id": MISSING}, token=token)
    assert body["data"] == {"viewer": {"role": "ADMIN"}, "room": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
    assert body["errors"][0]["path"] == ["room"]


async def test_a_failing_mutation_keeps_its_successful_sibling(
    api: GraphQLClient, session
) -> None:
    # given
    tenant = await make_tenant(session)
    aurora = await make_room(session, tenant, "Aurora")
    borealis = await make_room(session, tenant, "Borealis")
    token = await make_token(session, tenant)
    mutation = """
    mutation ($a: ID!, $b: ID!) {
      a: updateRoom(id: $a, input: {capacity: 12}) {
        room { name capacity } userErrors { field code }
      }
      b: updateRoom(id: $b, input: {capacity: -1}) {
        room { name capacity } userErrors { field code }
      }
    }"""
    # when
    body = api.post(mutation, {"a": aurora.id, "b": borealis.id}, token=token)
    # then a's change is saved and returned; b is refused with its field
    assert "errors" not in body, body
    assert body["data"] == {
        "a": {"room": {"name": "Aurora", "capacity": 12}, "userErrors": []},
        "b": {
            "room": None,
            "userErrors": [{"field": ["input", "capacity"], "code": "BAD_USER_INPUT"}],
        },
    }
    rooms = api.data("{ rooms { name capacity } }", token=token)["rooms"]
    assert {r["name"]: r["capacity"] for r in rooms} == {"Aurora": 12, "Borealis": 8}


async def test_forbidden_stays_a_top_level_error_with_the_mutation_null(
    api: GraphQLClient, session
) -> None:
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    reader = await make_token(session, tenant, Role.READER)
    mutation = """
    mutation ($id: ID!) {
      updateRoom(id: $id, input: {capacity: 12}) { room { capacity } userErrors { code } }
    }"""
    body = api.post(mutation, {"id": room.id}, token=reader)
    assert body["data"] == {"updateRoom": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
