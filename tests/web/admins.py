"""Admin accounts and signed-in HTTP clients for the admin UI tests."""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from transom.admin_auth.accounts import create_admin_account
from transom.db import models

PASSWORD = "correct horse battery staple"
_CSRF_INPUT = re.compile(r'name="csrf" value="([^"]+)"')
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


async def make_admin(
    session: AsyncSession,
    tenant: models.Tenant | None = None,
    email: str = "admin@contoso.example",
    password: str = PASSWORD,
) -> models.AdminUser:
    account = await create_admin_account(
        session,
        email=email,
        tenant_id=tenant.id if tenant else None,
        password=password,
    )
    await session.commit()
    return account.admin


def submit_sign_in(
    client: httpx.Client, email: str, password: str, **extra: str
) -> httpx.Response:
    form = client.get("/admin/sign-in")
    found = _CSRF_INPUT.search(form.text)
    assert found, form.text
    data = {"email": email, "password": password, "csrf": found.group(1), **extra}
    return client.post("/admin/sign-in", data=data)


def signed_in_client(base_url: str, email: str, password: str = PASSWORD) -> Any:
    """An httpx client holding a session cookie, and the page's CSRF token."""
    client = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
    response = submit_sign_in(client, email, password)
    assert response.status_code == 303, response.text
    page = client.get("/admin/")
    assert page.status_code == 200, page.text
    found = _CSRF_META.search(page.text)
    assert found
    return client, found.group(1)


def graphql(
    client: httpx.Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    csrf: str | None = None,
) -> dict[str, Any]:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def admin_socket(base_url: str, cookie: str) -> ClientConnection:
    """A signed-in admin page's websocket, acknowledged and used once."""
    ws = await connect(
        base_url.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],
        additional_headers={"Cookie": f"transom_session={cookie}"},
        origin=base_url,  # type: ignore[arg-type]  # websockets takes a str
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    payload = {"query": "{ viewer { role } }"}
    await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
    assert json.loads(await ws.recv())["type"] == "next"
    return ws


async def closed_within(ws: ClientConnection, seconds: float) -> int | None:
    """The close code, if the server closes the socket within ``seconds``."""
    with anyio.fail_after(seconds):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed:
            return ws.close_code
