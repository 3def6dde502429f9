"""API tokens over GraphQL: created once, listed with their last use, revoked;
admins only, and only their own tenant's."""

from __future__ import annotations

import pytest

from tests.factories import make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

CREATE = """
mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  apiToken { id name role active lastUsedAt } secret userErrors { field message code } } }
"""
LIST = """
query ($tenantId: ID) { apiTokens(tenantId: $tenantId) {
  id name role active lastUsedAt revokedAt } }
"""
REVOKE = """
mutation ($id: ID!) { revokeApiToken(id: $id) {
  apiToken { id active revokedAt } userErrors { field message code } } }
"""
VIEWER = "{ viewer { role tenantId } }"


async def test_a_token_is_shown_once_works_notes_its_use_and_is_revoked(
    api: GraphQLClient, session
) -> None:
    # given
    tenant = await make_tenant(session)
    admin = await make_token(session, tenant)
    # when
    made = api.data(
        CREATE,
        {"input": {"tenantId": tenant.id, "name": "  Personio  ", "role": "ADMIN"}},
        token=admin,
    )["createApiToken"]
    # then
    assert made["userErrors"] == []
    assert made["apiToken"]["name"] == "Personio"
    secret = made["secret"]
    assert api.data(VIEWER, token=secret)["viewer"]["role"] == "ADMIN"
    listed = {t["id"]: t for t in api.data(LIST, token=admin)["apiTokens"]}
    mine = listed[made["apiToken"]["id"]]
    assert mine["lastUsedAt"] is not None
    assert "secret" not in mine
    # when
    revoked = api.data(REVOKE, {"id": mine["id"]}, token=admin)["revokeApiToken"]
    # then
    assert revoked["apiToken"]["active"] is False
    refused = api.post(VIEWER, token=secret)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = {t["id"]: t for t in api.data(LIST, token=admin)["apiTokens"]}
    assert again[mine["id"]]["revokedAt"] is not None


async def test_readers_may_neither_list_nor_create_tokens(
    api: GraphQLClient, session
) -> None:
    tenant = await make_tenant(session)
    reader = await make_token(session, tenant, Role.READER)
    listed = api.post(LIST, token=reader)
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    made = api.post(
        CREATE,
        {"input": {"tenantId": tenant.id, "name": "x", "role": "READER"}},
        token=reader,
    )
    assert made["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert made["data"]["createApiToken"] is None


async def test_another_tenants_tokens_are_not_found(
    api: GraphQLClient, session
) -> None:
    # given
    ours, theirs = (
        await make_tenant(session, "Ours"),
        await make_tenant(session, "Theirs"),
    )
    admin = await make_token(session, ours)
    their_admin = await make_token(session, theirs)
    their_token = api.data(LIST, token=their_admin)["apiTokens"][0]["id"]
    # then
    assert (
        api.post(LIST, {"tenantId": theirs.id}, token=admin)["errors"][0]["extensions"][
            "code"
        ]
        == "NOT_FOUND"
    )
    revoke = api.user_errors(REVOKE, {"id": their_token}, token=admin)
    assert revoke[0]["code"] == "NOT_FOUND"
    made = api.user_errors(
        CREATE,
        {"input": {"tenantId": theirs.id, "name": "sneaky", "role": "ADMIN"}},
        token=admin,
    )
    assert made[0]["code"] == "NOT_FOUND"
    assert api.data(VIEWER, token=their_admin)["viewer"]["role"] == "ADMIN"


@pytest.mark.parametrize(
    ("name", "role", "field"),
    [
        ("", "ADMIN", "name"),
        ("   ", "READER", "name"),
        ("x" * 201, "ADMIN", "name"),
        ("Display", "DISPLAY", "role"),
        ("Boss", "SUPERADMIN", "role"),
    ],
)
async def test_bad_input_is_a_user_error_beside_its_field(
    api: GraphQLClient, session, name: str, role: str, field: str
) -> None:
    tenant = await make_tenant(session)
    admin = await make_token(session, tenant)
    answer = api.post(
        CREATE,
        {"input": {"tenantId": tenant.id, "name": name, "role": role}},
        token=admin,
    )
    if "errors" in answer:  # refused at the boundary (over the column's size)
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        return
    errors = answer["data"]["createApiToken"]["userErrors"]
    assert errors[0]["code"] == "BAD_USER_INPUT"
    assert errors[0]["field"] == ["input", field]
    assert len(api.data(LIST, token=admin)["apiTokens"]) == 1
