"""setTenantSignIn over GraphQL: admins of the tenant only, domains checked and
never shared between tenants, rules replaced whole, off forgets them."""

from __future__ import annotations

import pytest

from tests.factories import make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

SET = """
mutation ($t: ID!, $input: TenantSignInInput!) { setTenantSignIn(tenantId: $t, input: $input) {
  signIn { enabled domains rules { kind value role } } userErrors { field message code } } }
"""
READ = (
    "query ($t: ID!) { tenantSignIn(tenantId: $t) { enabled domains rules { value } } }"
)
RULE = {"kind": "GROUP", "value": "g-1", "role": "ADMIN"}


async def test_turned_on_replaced_and_off(api: GraphQLClient, session) -> None:
    tenant = await make_tenant(session)
    admin = await make_token(session, tenant)
    on = {"enabled": True, "domains": ["Contoso.com"], "rules": [RULE]}
    saved = api.data(SET, {"t": tenant.id, "input": on}, token=admin)
    assert saved["setTenantSignIn"]["signIn"] == {
        "enabled": True,
        "domains": ["contoso.com"],
        "rules": [RULE],
    }
    other = {"kind": "USER", "value": "ada@contoso.com", "role": "READER"}
    replaced = {"enabled": True, "domains": ["contoso.net"], "rules": [other]}
    api.data(SET, {"t": tenant.id, "input": replaced}, token=admin)
    now = api.data(READ, {"t": tenant.id}, token=admin)["tenantSignIn"]
    assert now == {
        "enabled": True,
        "domains": ["contoso.net"],
        "rules": [{"value": "ada@contoso.com"}],
    }
    api.data(SET, {"t": tenant.id, "input": {"enabled": False}}, token=admin)
    off = api.data(READ, {"t": tenant.id}, token=admin)["tenantSignIn"]
    assert off == {"enabled": False, "domains": [], "rules": []}


async def test_a_domain_of_another_tenant_is_a_conflict(
    api: GraphQLClient, session
) -> None:
    ours, theirs = (
        await make_tenant(session, "Ours"),
        await make_tenant(session, "Theirs"),
    )
    their_admin = await make_token(session, theirs)
    admin = await make_token(session, ours)
    taken = {"enabled": True, "domains": ["shared.example"], "rules": []}
    api.data(SET, {"t": theirs.id, "input": taken}, token=their_admin)
    refused = api.user_errors(SET, {"t": ours.id, "input": taken}, token=admin)
    assert refused[0]["code"] == "CONFLICT"


@pytest.mark.parametrize(
    ("wanted", "field"),
    [
        ({"enabled": True, "domains": [], "rules": []}, "domains"),
        ({"enabled": True, "domains": ["not a domain"], "rules": []}, "domains"),
        (
            {"enabled": True, "domains": ["x.com"], "rules": [{**RULE, "value": " "}]},
            "rules",
        ),
        (
            {
                "enabled": True,
                "domains": ["x.com"],
                "rules": [{**RULE, "role": "SUPERADMIN"}],
            },
            "rules",
        ),
    ],
)
async def test_bad_settings_are_refused_beside_their_field(
    api: GraphQLClient, session, wanted: dict, field: str
) -> None:
    tenant = await make_tenant(session)
    admin = await make_token(session, tenant)
    refused = api.user_errors(SET, {"t": tenant.id, "input": wanted}, token=admin)
    assert refused[0]["code"] == "BAD_USER_INPUT"
    assert refused[0]["field"] == ["input", field]
    assert (
        api.data(READ, {"t": tenant.id}, token=admin)["tenantSignIn"]["enabled"]
        is False
    )


async def test_readers_and_other_tenants_cannot(api: GraphQLClient, session) -> None:
    ours, theirs = (
        await make_tenant(session, "Ours"),
        await make_tenant(session, "Theirs"),
    )
    reader = await make_token(session, ours, Role.READER)
    admin = await make_token(session, ours)
    on = {"enabled": True, "domains": ["x.example"], "rules": []}
    assert (
        api.post(SET, {"t": ours.id, "input": on}, token=reader)["errors"][0][
            "extensions"
        ]["code"]
        == "FORBIDDEN"
    )
    refused = api.user_errors(SET, {"t": theirs.id, "input": on}, token=admin)
    assert refused[0]["code"] == "NOT_FOUND"
