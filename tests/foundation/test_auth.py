from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.db import models
from transom.domain.access import Role

ROOM = "query ($id: ID!) { room(id: $id) { id name } }"
ROOMS = "{ rooms { id name } }"
CREATE_ROOM = """
mutation ($input: CreateRoomInput!) { createRoom(input: $input) { room { id name } } }
"""

pytestmark = pytest.mark.anyio


async def test_a_request_without_token_is_unauthenticated(api: GraphQLClient) -> None:
    # when
    codes = api.error_codes(ROOMS)
    # then
    assert codes == ["UNAUTHENTICATED"]


async def test_an_unknown_token_is_unauthenticated(api: GraphQLClient) -> None:
    assert api.error_codes(ROOMS, token="trn_not-a-real-token") == ["UNAUTHENTICATED"]


async def test_another_tenants_room_is_not_found_and_never_listed(
    api: GraphQLClient, session
) -> None:
    # given
    contoso, fabrikam = (
        await make_tenant(session, "Contoso"),
        await make_tenant(session, "Fabrikam"),
    )
    secret_room = await make_room(session, fabrikam, "Boardroom")
    own_room = await make_room(session, contoso, "Aurora")
    token = await make_token(session, contoso)
    # when
    listed = api.data(ROOMS, token=token)["rooms"]
    body = api.post(ROOM, {"id": secret_room.id}, token=token)
    # then
    assert [r["id"] for r in listed] == [own_room.id]
    assert body["data"] == {"room": None}
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "Boardroom" not in str(body)


async def test_a_reader_cannot_change_anything(api: GraphQLClient, session) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant, Role.READER)
    codes = api.error_codes(CREATE_ROOM, {"input": {"name": "New"}}, token=token)
    assert codes == ["FORBIDDEN"]


async def test_tokens_are_stored_only_as_hashes(api: GraphQLClient, session) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    stored = (await session.scalars(select(models.ApiToken.token_hash))).all()
    assert token not in stored
    assert all(len(h) == 64 for h in stored)
    assert api.data("{ viewer { role } }", token=token) == {"viewer": {"role": "ADMIN"}}


async def test_a_superadmin_sees_every_tenant(api: GraphQLClient, session) -> None:
    await make_tenant(session, "Contoso")
    await make_tenant(session, "Fabrikam")
    token = await make_token(session, None, Role.SUPERADMIN)
    data = api.data("{ tenants { nodes { name } } }", token=token)
    assert [t["name"] for t in data["tenants"]["nodes"]] == ["Contoso", "Fabrikam"]


async def test_a_tenant_token_sees_only_its_tenant(api: GraphQLClient, session) -> None:
    contoso = await make_tenant(session, "Contoso")
    fabrikam = await make_tenant(session, "Fabrikam")
    token = await make_token(session, contoso)
    data = api.data("{ tenants { nodes { name } } }", token=token)
    assert [t["name"] for t in data["tenants"]["nodes"]] == ["Contoso"]
    codes = api.error_codes(
        "query ($id: ID!) { tenant(id: $id) { name } }",
        {"id": fabrikam.id},
        token=token,
    )
    assert codes == ["NOT_FOUND"]


async def test_deep_queries_are_refused(api: GraphQLClient, session) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    deep = "{ rooms { tenant { rooms { tenant { rooms { tenant { rooms { tenant "
    deep += "{ rooms { tenant { rooms { tenant { rooms { id } } } } } } } } } } } } } }"
    body = api.post(deep, token=token)
    assert body["errors"]
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
