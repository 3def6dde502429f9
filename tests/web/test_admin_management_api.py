"""Managing admin accounts over GraphQL: who may do what, bad input, and what
happens to the sessions and sockets of a changed account. The operations are
the Admins page's own (schema/operations/web/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.web.admins import (
    PASSWORD,
    admin_socket,
    closed_within,
    graphql,
    make_admin,
    signed_in_client,
    submit_sign_in,
)
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations" / "web"
BOSS = "boss@contoso.example"
SECOND = "second@contoso.example"
ROOT = "root@operator.example"


def op(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text()


class Caller:
    """A signed-in browser session, sending the page's operations."""

    def __init__(self, url: str, email: str, password: str = PASSWORD) -> None:
        self.client, self.csrf = signed_in_client(url, email, password)

    def send(self, name: str, **variables: Any) -> dict[str, Any]:
        return graphql(self.client, op(name), variables, csrf=self.csrf)

    def ok(self, name: str, **variables: Any) -> dict[str, Any]:
        body = self.send(name, **variables)
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        if isinstance(payload, dict):
            assert payload.get("userErrors", []) == [], payload
        return payload  # type: ignore[no-any-return]

    def refused(self, name: str, **variables: Any) -> list[dict[str, Any]]:
        body = self.send(name, **variables)
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        assert payload["userErrors"], payload
        return payload["userErrors"]  # type: ignore[no-any-return]

    def forbidden(self, name: str, **variables: Any) -> str:
        body = self.send(name, **variables)
        codes = [e["extensions"]["code"] for e in body.get("errors", [])]
        assert codes == ["FORBIDDEN"], body
        return str(body["errors"][0]["message"])

    def viewer(self) -> dict[str, Any]:
        return graphql(self.client, "{ viewer { role } }", csrf=self.csrf)

    def close(self) -> None:
        self.client.close()


def create(email: str, role: str, tenant_id: str | None = None) -> dict[str, Any]:
    return {"input": {"email": email, "role": role, "tenantId": tenant_id}}


async def test_a_tenant_admin_adds_an_admin_makes_it_a_reader_resets_and_removes_it(
    server, session
) -> None:
    # given the one admin of Contoso
    tenant = await make_tenant(session)
    await make_admin(session, tenant, BOSS)
    boss = Caller(server, BOSS)
    # when they create a second admin
    made = boss.ok("CreateAdmin", **create(SECOND, "ADMIN"))
    password = made["oneTimePassword"]
    second_id = made["admin"]["id"]
    # then the second admin signs in with the one-time password
    second = Caller(server, SECOND, password)
    listed = boss.ok("AdminsOfTenant", tenantId=tenant.id)
    assert [(a["email"], a["role"], a["isYou"]) for a in listed] == [
        (BOSS, "ADMIN", True),
        (SECOND, "ADMIN", False),
    ]
    assert listed[1]["signInMethods"] == ["PASSWORD"]
    assert listed[1]["lastSignInAt"] is not None

    # when it is made a reader, its open session reads but changes nothing
    changed = boss.ok("ChangeAdminRole", id=second_id, role="READER")
    assert changed["admin"]["role"] == "READER"
    viewer = second.send("AdminsOfTenant", tenantId=tenant.id)
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert second.viewer()["data"]["viewer"] == {"role": "READER"}

    # when its password is reset, the old session ends and the old password fails
    reset = boss.ok("ResetAdminPassword", id=second_id)
    ended = second.viewer()
    assert ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    with httpx.Client(base_url=server) as browser:
        assert submit_sign_in(browser, SECOND, password).status_code == 401
    again = Caller(server, SECOND, reset["oneTimePassword"])

    # when it is removed, its session ends and it cannot sign in any more
    removed = boss.ok("RemoveAdmin", id=second_id)
    assert removed["removedAdminId"] == second_id
    gone = again.viewer()
    assert gone["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    with httpx.Client(base_url=server) as browser:
        response = submit_sign_in(browser, SECOND, reset["oneTimePassword"])
        assert response.status_code == 401
    assert [a["email"] for a in boss.ok("AdminsOfTenant", tenantId=tenant.id)] == [BOSS]
    for caller in (boss, second, again):
        caller.close()


async def test_a_lockout_shows_in_the_list_and_unlocking_lifts_it(
    server, session
) -> None:
    # given a second admin who typed a wrong password five times
    tenant = await make_tenant(session)
    await make_admin(session, tenant, BOSS)
    await make_admin(session, tenant, SECOND)
    with httpx.Client(base_url=server) as browser:
        for _ in range(5):
            submit_sign_in(browser, SECOND, "wrong password, wrong")
        assert submit_sign_in(browser, SECOND, PASSWORD).status_code == 429
    boss = Caller(server, BOSS)
    listed = {a["email"]: a for a in boss.ok("AdminsOfTenant", tenantId=tenant.id)}
    assert listed[SECOND]["lockedUntil"] is not None
    assert listed[SECOND]["failedSignIns"] == 5
    # when the tenant admin unlocks it
    unlocked = boss.ok("UnlockAdmin", id=listed[SECOND]["id"])
    # then it is no longer locked and signs in with its password
    assert unlocked["admin"] == {
        "id": listed[SECOND]["id"],
        "lockedUntil": None,
        "failedSignIns": 0,
    }
    with httpx.Client(base_url=server) as browser:
        assert submit_sign_in(browser, SECOND, PASSWORD).status_code == 303
    boss.close()


async def test_readers_and_displays_manage_no_admins(server, session) -> None:
    # given a reader of Contoso and an API token that is a reader
    tenant = await make_tenant(session)
    boss = await make_admin(session, tenant, BOSS)
    await make_admin(session, tenant, SECOND)
    reader_token = await make_token(session, tenant, Role.READER)
    as_boss = Caller(server, BOSS)
    second_id = next(
        a["id"]
        for a in as_boss.ok("AdminsOfTenant", tenantId=tenant.id)
        if a["email"] == SECOND
    )
    as_boss.ok("ChangeAdminRole", id=second_id, role="READER")
    reader = Caller(server, SECOND)
    # then the reader sees no accounts and changes none
    assert "readers" in reader.forbidden("AdminsOfTenant", tenantId=tenant.id)
    reader.forbidden("CreateAdmin", **create("x@contoso.example", "READER"))
    reader.forbidden("ChangeAdminRole", id=boss.id, role="READER")
    reader.forbidden("ResetAdminPassword", id=boss.id)
    reader.forbidden("UnlockAdmin", id=boss.id)
    reader.forbidden("RemoveAdmin", id=boss.id)
    with GraphQLClient(server, reader_token) as api:
        body = api.post("{ admins { email } }")
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        found = api.data("query ($id: ID!) { node(id: $id) { id } }", {"id": boss.id})
        assert found == {"node": None}
    as_boss.close()
    reader.close()


async def test_a_tenant_admin_keeps_to_their_tenant_and_makes_no_superadmin(
    server, session
) -> None:
    # given Contoso's admin, Fabrikam's admin and a superadmin
    contoso = await make_tenant(session, "Contoso")
    fabrikam = await make_tenant(session, "Fabrikam")
    await make_admin(session, contoso, BOSS)
    foreign = await make_admin(session, fabrikam, "boss@fabrikam.example")
    root = await make_admin(session, None, ROOT)
    boss = Caller(server, BOSS)
    # then they see only Contoso's accounts, not the superadmin
    everyone = boss.ok("AdminsOfTenant", tenantId=contoso.id)
    assert [a["email"] for a in everyone] == [BOSS]
    nothing = boss.send("AdminsOfTenant", tenantId=fabrikam.id)
    assert nothing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # and cannot make a superadmin, nor an account of another tenant
    boss.forbidden("CreateAdmin", **create("x@contoso.example", "SUPERADMIN"))
    other = boss.refused("CreateAdmin", **create("x@f.example", "ADMIN", fabrikam.id))
    assert other[0]["code"] == "NOT_FOUND"
    # and another tenant's account or a superadmin is not found for them
    for target in (foreign.id, root.id):
        for name in ("ResetAdminPassword", "UnlockAdmin", "RemoveAdmin"):
            assert boss.refused(name, id=target)[0]["code"] == "NOT_FOUND"
        refused = boss.refused("ChangeAdminRole", id=target, role="READER")
        assert refused[0]["code"] == "NOT_FOUND"
    lookup = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Admin { email } } }"
    ids = [foreign.id, root.id, everyone[0]["id"]]
    found = graphql(boss.client, lookup, {"ids": ids}, csrf=boss.csrf)["data"]
    assert found["nodes"] == [None, None, {"email": BOSS}]
    # while the superadmin sees and manages every tenant's accounts
    operator = Caller(server, ROOT)
    all_of_fabrikam = operator.ok("AdminsOfTenant", tenantId=fabrikam.id)
    assert [a["email"] for a in all_of_fabrikam] == ["boss@fabrikam.example", ROOT]
    made = operator.ok("CreateAdmin", **create("ops@operator.example", "SUPERADMIN"))
    assert made["admin"]["role"] == "SUPERADMIN"
    moved = operator.ok(
        "ChangeAdminRole", id=made["admin"]["id"], role="READER", tenantId=contoso.id
    )
    assert moved["admin"]["tenantId"] == contoso.id
    boss.close()
    operator.close()


async def test_the_last_admin_of_a_tenant_and_the_last_superadmin_stay(
    server, session
) -> None:
    # given Contoso's only admin, one reader, and the only superadmin
    tenant = await make_tenant(session)
    boss = await make_admin(session, tenant, BOSS)
    root = await make_admin(session, None, ROOT)
    me = Caller(server, BOSS)
    reader = me.ok("CreateAdmin", **create(SECOND, "READER"))["admin"]
    # then the admin cannot demote or remove themselves, nor can the superadmin
    for caller in (me, Caller(server, ROOT)):
        demote = caller.refused("ChangeAdminRole", id=boss.id, role="READER")
        assert demote[0]["code"] == "CONFLICT"
        assert "last admin" in demote[0]["message"]
        assert caller.refused("RemoveAdmin", id=boss.id)[0]["code"] == "CONFLICT"
    operator = Caller(server, ROOT)
    last = operator.refused(
        "ChangeAdminRole", id=root.id, role="ADMIN", tenantId=tenant.id
    )
    assert "last superadmin" in last[0]["message"]
    assert operator.refused("RemoveAdmin", id=root.id)[0]["code"] == "CONFLICT"
    # when the reader becomes an admin, the first may step down to reader
    me.ok("ChangeAdminRole", id=reader["id"], role="ADMIN")
    stepped = me.ok("ChangeAdminRole", id=boss.id, role="READER")
    assert stepped["admin"]["role"] == "READER"
    me.close()
    operator.close()


async def test_bad_input_is_a_coded_user_error(server, session) -> None:
    # given a tenant admin and a superadmin
    tenant = await make_tenant(session)
    boss = await make_admin(session, tenant, BOSS)
    await make_admin(session, None, ROOT)
    me = Caller(server, BOSS)
    operator = Caller(server, ROOT)
    # then each mistake names its field and code, and nothing is created
    not_email = me.refused("CreateAdmin", **create("not an address", "ADMIN"))
    assert (not_email[0]["code"], not_email[0]["field"]) == (
        "BAD_USER_INPUT",
        ["input", "email"],
    )
    taken = me.refused("CreateAdmin", **create(BOSS.upper(), "READER"))
    assert taken[0]["code"] == "CONFLICT"
    display = me.refused("CreateAdmin", **create("d@contoso.example", "DISPLAY"))
    assert display[0]["field"] == ["input", "role"]
    no_tenant = operator.refused("CreateAdmin", **create("n@c.example", "ADMIN"))
    assert (no_tenant[0]["code"], no_tenant[0]["field"]) == (
        "BAD_USER_INPUT",
        ["input", "tenantId"],
    )
    super_with_tenant = operator.refused(
        "CreateAdmin", **create("s@c.example", "SUPERADMIN", tenant.id)
    )
    assert super_with_tenant[0]["field"] == ["input", "tenantId"]
    unknown = operator.refused("CreateAdmin", **create("u@c.example", "ADMIN", "nope"))
    assert unknown[0]["code"] == "NOT_FOUND"
    role_display = me.refused("ChangeAdminRole", id=boss.id, role="DISPLAY")
    assert role_display[0]["field"] == ["role"]
    for name in ("ResetAdminPassword", "UnlockAdmin", "RemoveAdmin"):
        assert me.refused(name, id="no-such-admin")[0]["code"] == "NOT_FOUND"
    too_long = me.send("CreateAdmin", **create("a" * 400 + "@c.example", "ADMIN"))
    assert too_long["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    wrong_type = me.send("RemoveAdmin", id=None)
    assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert [a["email"] for a in me.ok("AdminsOfTenant", tenantId=tenant.id)] == [BOSS]
    me.close()
    operator.close()


@pytest.mark.parametrize(
    "change",
    [
        ("ChangeAdminRole", {"role": "READER"}),
        ("ResetAdminPassword", {}),
        ("RemoveAdmin", {}),
    ],
    ids=["role", "reset", "remove"],
)
async def test_a_changed_admins_open_socket_closes_within_a_second(
    change, server, session
) -> None:
    # given a second admin with its page's websocket open
    tenant = await make_tenant(session)
    await make_admin(session, tenant, BOSS)
    second = await make_admin(session, tenant, SECOND)
    victim = Caller(server, SECOND)
    ws = await admin_socket(server, victim.client.cookies["transom_session"])
    boss = Caller(server, BOSS)
    # when the tenant admin changes it
    name, variables = change
    boss.ok(name, id=second.id, **variables)
    # then its socket is closed (4403) within a second
    assert await closed_within(ws, 1.0) == 4403
    boss.close()
    victim.close()
