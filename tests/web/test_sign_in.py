"""Signing in to the admin UI over real HTTP: cookies, lockout, CSRF, expiry."""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta

import httpx
import pytest

from tests.factories import make_room, make_tenant
from tests.web.admins import (
    PASSWORD,
    graphql,
    make_admin,
    signed_in_client,
    submit_sign_in,
)
from transom.admin_auth.lockout import MAX_FAILURES
from transom.admin_auth.sessions import SESSION_LIFETIME

pytestmark = pytest.mark.anyio

VIEWER = "{ viewer { role tenantId } }"
ROOMS = "{ rooms { name } }"
RENAME_ROOM = """
mutation ($id: ID!) { updateRoom(id: $id, input: {name: "Renamed"}) { room { name } } }
"""


def client_for(server: str) -> httpx.Client:
    return httpx.Client(base_url=server, timeout=30, follow_redirects=False)


async def test_signing_in_sets_an_httponly_samesite_session_cookie(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    # when
    with client_for(server) as client:
        response = submit_sign_in(client, "Admin@Contoso.example", PASSWORD)
    # then
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/"
    cookie = next(
        c
        for c in response.headers.get_list("set-cookie")
        if c.startswith("transom_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback


async def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    # when
    with client_for(server) as client:
        wrong_password = submit_sign_in(client, "admin@contoso.example", "nope" * 4)
        unknown_email = submit_sign_in(client, "who@contoso.example", PASSWORD)
    # then
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert "The email or password is wrong." in response.text
        assert "transom_session=" not in response.headers.get("set-cookie", "")


async def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    with client_for(server) as client:
        # when
        statuses = [
            submit_sign_in(
                client, "admin@contoso.example", "wrong password!"
            ).status_code
            for _ in range(MAX_FAILURES)
        ]
        right = submit_sign_in(client, "admin@contoso.example", PASSWORD)
    # then
    assert statuses == [401] * (MAX_FAILURES - 1) + [429]
    assert right.status_code == 429
    assert "locked for 15 more minutes" in right.text


async def test_the_lock_lifts_after_fifteen_minutes(
    server: str, session, clock
) -> None:
    # given
    await make_admin(session)
    with client_for(server) as client:
        for _ in range(MAX_FAILURES):
            submit_sign_in(client, "admin@contoso.example", "wrong password!")
        # when
        clock.now += timedelta(minutes=15)
        response = submit_sign_in(client, "admin@contoso.example", PASSWORD)
    # then
    assert response.status_code == 303


async def test_a_sign_in_form_without_its_csrf_token_is_refused(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    with client_for(server) as client:
        # when
        response = client.post(
            "/admin/sign-in",
            data={"email": "admin@contoso.example", "password": PASSWORD, "csrf": "x"},
        )
    # then
    assert response.status_code == 403
    assert "transom_session=" not in response.headers.get("set-cookie", "")


async def test_pages_redirect_to_sign_in_when_signed_out(server: str) -> None:
    with client_for(server) as client:
        response = client.get("/admin/rooms?tenant=t1")
    assert response.status_code == 303
    assert (
        response.headers["location"] == "/admin/sign-in?next=/admin/rooms%3Ftenant%3Dt1"
    )


async def test_a_signed_in_tenant_admin_is_an_admin_of_its_tenant(
    server: str, session
) -> None:
    # given
    tenant = await make_tenant(session)
    await make_admin(session, tenant)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    # when
    with closing(client):
        body = graphql(client, VIEWER, csrf=csrf)
    # then
    assert body["data"]["viewer"] == {"role": "ADMIN", "tenantId": tenant.id}


async def test_an_admin_without_tenant_is_a_superadmin(server: str, session) -> None:
    await make_admin(session)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        body = graphql(client, VIEWER, csrf=csrf)
    assert body["data"]["viewer"] == {"role": "SUPERADMIN", "tenantId": None}


async def test_a_cookie_authenticated_post_without_the_csrf_header_is_refused(
    server: str, session
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    await make_admin(session, tenant)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        # when
        without = graphql(client, RENAME_ROOM, {"id": room.id})
        wrong = graphql(client, RENAME_ROOM, {"id": room.id}, csrf="forged")
        right = graphql(client, RENAME_ROOM, {"id": room.id}, csrf=csrf)
    # then
    for refused in (without, wrong):
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "CSRF" in refused["errors"][0]["message"]
    assert right == {"data": {"updateRoom": {"room": {"name": "Renamed"}}}}


async def test_reading_with_a_cookie_over_get_needs_no_csrf_token(
    server: str, session
) -> None:
    tenant = await make_tenant(session)
    await make_room(session, tenant)
    await make_admin(session, tenant)
    client, _ = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        response = client.get("/graphql", params={"query": ROOMS})
    assert response.json() == {"data": {"rooms": [{"name": "Aurora"}]}}


async def test_a_session_expires_after_its_lifetime(
    server: str, session, clock
) -> None:
    # given
    await make_admin(session)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        # when
        clock.now += SESSION_LIFETIME
        body = graphql(client, VIEWER, csrf=csrf)
        page = client.get("/admin/")
    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in body["errors"][0]["message"]
    assert page.status_code == 303


async def test_signing_out_ends_the_session(server: str, session) -> None:
    # given
    await make_admin(session)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        # when
        refused = client.post("/admin/sign-out", data={"csrf": "forged"})
        signed_out = client.post("/admin/sign-out", data={"csrf": csrf})
        client.cookies.clear()
        body = graphql(client, VIEWER)
    # then
    assert refused.status_code == 403
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/admin/sign-in"
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_stolen_cookie_stops_working_after_sign_out(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    stolen = client.cookies["transom_session"]
    with closing(client):
        client.post("/admin/sign-out", data={"csrf": csrf})
    # when
    with client_for(server) as thief:
        thief.cookies.set("transom_session", stolen)
        body = graphql(thief, VIEWER)
    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_sign_in_never_redirects_to_another_site(server: str, session) -> None:
    await make_admin(session)
    with client_for(server) as client:
        form = client.get("/admin/sign-in")
        assert form.status_code == 200
        response = submit_sign_in(client, "admin@contoso.example", PASSWORD)
        evil = client.post(
            "/admin/sign-in?next=//evil.example/admin/",
            data={"email": "x", "password": "y", "csrf": "z"},
        )
    assert response.headers["location"] == "/admin/"
    assert evil.status_code == 403
