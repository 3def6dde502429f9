"""Choosing the admin UI's language over real HTTP: stored per admin, refused
when forged, never an open redirect, and the browser's language before a choice."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from tests.web.admins import make_admin, signed_in_client

pytestmark = pytest.mark.anyio

EMAIL = "admin@contoso.example"


def lang_of(page: httpx.Response) -> str:
    assert page.status_code == 200, page.text
    start = page.text.index("<html lang=") + len('<html lang="')
    return page.text[start : page.text.index('"', start)]


async def test_an_admins_language_follows_them_to_another_browser(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    client, csrf = signed_in_client(server, EMAIL)
    with closing(client):
        # when
        chosen = client.post(
            "/admin/language",
            data={"language": "de", "csrf": csrf, "next": "/admin/rooms"},
        )
        # then
        assert chosen.status_code == 303
        assert chosen.headers["location"] == "/admin/rooms"
        assert lang_of(client.get("/admin/rooms")) == "de"
    other, _ = signed_in_client(server, EMAIL)
    with closing(other):
        other.headers["accept-language"] = "da-DK,da;q=0.9"
        page = other.get("/admin/")
        assert lang_of(page) == "de"
        assert "Räume" in page.text


async def test_before_a_choice_the_browsers_language_decides(server: str) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        danish = await client.get(
            "/admin/sign-in", headers={"accept-language": "fr-FR, da;q=0.8, en;q=0.5"}
        )
        unknown = await client.get(
            "/admin/sign-in", headers={"accept-language": "fr, xx"}
        )
        nothing = await client.get(
            "/admin/sign-in", headers={"accept-language": ";;q=x,"}
        )
    assert lang_of(danish) == "da"
    assert lang_of(unknown) == "en"
    assert lang_of(nothing) == "en"


async def test_a_forged_or_odd_choice_is_refused_and_never_leaves_the_site(
    server: str, session
) -> None:
    await make_admin(session)
    client, csrf = signed_in_client(server, EMAIL)
    with closing(client):
        forged = client.post("/admin/language", data={"language": "da", "csrf": "x"})
        unknown = client.post("/admin/language", data={"language": "xx", "csrf": csrf})
        elsewhere = client.post(
            "/admin/language",
            data={"language": "da", "csrf": csrf, "next": "//evil.example/admin/"},
        )
        foreign = client.post(
            "/admin/language",
            data={"language": "da", "csrf": csrf},
            headers={"origin": "https://evil.example"},
        )
        assert lang_of(client.get("/admin/")) == "da"
    assert forged.status_code == 403
    assert unknown.status_code == 400
    assert foreign.status_code == 403
    assert elsewhere.status_code == 303
    assert elsewhere.headers["location"] == "/admin/"
