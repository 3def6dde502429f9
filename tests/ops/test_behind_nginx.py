"""The installed wheel behind nginx with TLS, as the production guide sets it up:
admin sign-in, a display paired and its live subscription over wss, a tenant
connected to the Graph emulator whose subscription validation and change
notifications reach Transom through the proxy, Graph's webhook validation,
/metrics scraped and JSON log lines.

Needs nginx; skips without it unless TRANSOM_REQUIRE_NGINX=1 (CI sets it and
installs nginx)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from tests.ops.behind_nginx import nginx, nginx_available, self_signed, trusting
from tests.ops.installed import REPO, InstalledTransom, clean_env
from tests.servers import free_port

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(900)]

if not nginx_available() and os.environ.get("TRANSOM_REQUIRE_NGINX") != "1":
    pytest.skip("no nginx (CI installs it)", allow_module_level=True)

SUPERADMIN = "superadmin-token-for-the-nginx-test"
METRICS = "metrics-token-for-the-nginx-test"
ADMIN_EMAIL, ADMIN_PASSWORD = "ops@example.com", "a long enough password 42"
SIGNAGE = REPO / "schema" / "operations" / "signage"
PAIR = """mutation Pair($code: String!, $roomId: ID!) {
  pairDisplay(code: $code, roomId: $roomId) { display { id state } } }"""
TENANT = 'mutation { createTenant(input: {name: "Contoso"}) { tenant { id } } }'
ROOM = """mutation Room($tenant: ID!) {
  createRoom(input: {name: "Aurora", tenantId: $tenant}) { room { id } } }"""
# Moving the room to another zone moves its day: a change the display shows.
MOVE = """mutation Move($id: ID!) {
  updateRoom(id: $id, input: {timeZone: "Pacific/Auckland"}) { room { id } } }"""
VALIDATION = "Validation: Testing client application at 2026-12-03"
# The emulator's demo directory and app (README, "The Graph emulator").
DIRECTORY = "8d3a5f2e-4c1b-4e7a-9f60-2b7c1d9e0a51"
CLIENT = "5b0e7c9a-1f2d-4a6b-8c3e-7d9f0a1b2c3d"
SECRET = "Tx8Q~emulator.demo.secret-contoso-0123456789"
CONNECT = """mutation Connect($input: ConnectTenantInput!) {
  connectTenant(input: $input) { connectionTest { status message } } }"""
IMPORT = """mutation Import($tenant: ID!) {
  importRooms(tenantId: $tenant) { rooms { id mailbox linkState } } }"""
LINK = """mutation Link($room: ID!, $email: String!) {
  linkRoomMailbox(roomId: $room, email: $email) { room { id linkState } } }"""
SYNC = "query Sync($id: ID!) { room(id: $id) { sync { mode status } } }"
BOOKINGS = """query Bookings($id: ID!, $start: DateTime!, $end: DateTime!) {
  room(id: $id) { bookings(start: $start, end: $end) { subject } } }"""
ORGANIZER = "ada.ahmed@contoso.onmicrosoft.com"  # in the emulator's demo directory


async def graphql(
    http: httpx.AsyncClient, query: str, token: str | None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def test_the_installed_server_works_behind_nginx_with_tls(
    installed: InstalledTransom, tmp_path: Path
) -> None:
    # given an installed Transom with an admin, run from elsewhere
    backend, http_port, tls_port = free_port(), free_port(), free_port()
    graph = f"http://127.0.0.1:{free_port()}"
    public = f"https://localhost:{tls_port}"
    run = tmp_path / "nginx"
    run.mkdir()
    cert, _ = self_signed(run)
    env = clean_env(
        TRANSOM_DATA_DIR=str(tmp_path / "data"),
        TRANSOM_LOG_FORMAT="json",
        TRANSOM_METRICS_TOKEN=METRICS,
        TRANSOM_BOOTSTRAP_TOKEN=SUPERADMIN,
        TRANSOM_PUBLIC_URL=public,
        TRANSOM_GRAPH_URL=f"{graph}/v1.0",
        TRANSOM_AUTHORITY_URL=graph,
    )
    created = installed.run(
        "admin", "create", "--email", ADMIN_EMAIL, "--password-stdin",
        cwd=tmp_path, env=env, stdin=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    log = tmp_path / "serve.log"
    with (
        installed.emulator(graph, tmp_path, cert),
        installed.serve(tmp_path, env, log, port=backend),
        nginx(backend, http_port, tls_port, run),
    ):
        tls = trusting(cert)
        async with httpx.AsyncClient(base_url=public, verify=tls) as http:
            await admin_signs_in(http)
            await display_pairs_and_follows_its_room_live(http, public, tls)
            linked = await tenant_connects_with_webhooks_through_the_proxy(
                http, graph, public
            )
            await a_meeting_made_in_outlook_is_notified_through_the_proxy(
                http, graph, linked, run / "access.log"
            )
            await graph_validates_the_webhook(http)
            refused = await an_unauthenticated_request_is_refused(public, tls)
            await metrics_are_scraped_from_the_process_not_the_proxy(http, backend)
            redirect = await httpx.AsyncClient().get(f"http://127.0.0.1:{http_port}/")
    # then the log is JSON lines, with the proxy's request ids
    lines = [json.loads(line) for line in log.read_text().splitlines() if line]
    assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])
    (line,) = [line for line in lines if line["request_id"] == refused]
    assert line["level"] == "INFO"
    assert line["message"].startswith("UNAUTHENTICATED: ")
    assert redirect.status_code == 301
    assert redirect.headers["location"].startswith("https://")


async def admin_signs_in(http: httpx.AsyncClient) -> None:
    form = await http.get("/admin/sign-in")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None, form.text
    signed_in = await http.post(
        "/admin/sign-in",
        data={"csrf": csrf.group(1), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
    )
    assert signed_in.status_code == 303, signed_in.text
    home = await http.get("/admin/")
    assert home.status_code == 200
    assert "Tenants" in home.text


async def display_pairs_and_follows_its_room_live(
    http: httpx.AsyncClient, public: str, tls: Any
) -> None:
    tenant = (await graphql(http, TENANT, SUPERADMIN))["createTenant"]["tenant"]["id"]
    room = (await graphql(http, ROOM, SUPERADMIN, tenant=tenant))["createRoom"]["room"][
        "id"
    ]
    pairing = (await graphql(http, read("RequestDisplayPairing"), None))[
        "requestDisplayPairing"
    ]["pairing"]
    paired = await graphql(http, PAIR, SUPERADMIN, code=pairing["code"], roomId=room)
    assert paired["pairDisplay"]["display"]["state"] == "PAIRED"
    url = public.replace("https://", "wss://") + "/graphql"
    async with connect(url, ssl=tls, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"Authorization": f"Bearer {pairing['secret']}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        subscribe = {"query": read("RoomDayLive"), "variables": {"roomId": room}}
        await ws.send(
            json.dumps({"type": "subscribe", "id": "1", "payload": subscribe})
        )
        first = await next_payload(ws)
        await graphql(http, MOVE, SUPERADMIN, id=room)
        pushed = await next_payload(ws)
    assert first["data"]["roomBookings"]["roomId"] == room
    assert pushed["data"]["roomBookings"]["roomId"] == room
    assert (
        pushed["data"]["roomBookings"]["start"]
        != first["data"]["roomBookings"]["start"]
    )


async def tenant_connects_with_webhooks_through_the_proxy(
    http: httpx.AsyncClient, graph: str, public: str
) -> dict[str, str]:
    """Connect the emulator's demo tenant and link a room: the subscription is
    validated through nginx (the emulator trusts the test's certificate)."""
    tenant = (await graphql(http, TENANT, SUPERADMIN))["createTenant"]["tenant"]["id"]
    credentials = {"directoryId": DIRECTORY, "clientId": CLIENT, "clientSecret": SECRET}
    connect = {"tenantId": tenant, **credentials}
    connected = await graphql(http, CONNECT, SUPERADMIN, input=connect)
    assert connected["connectTenant"]["connectionTest"]["status"] == "CONNECTED", (
        connected
    )
    rooms = (await graphql(http, IMPORT, SUPERADMIN, tenant=tenant))["importRooms"]
    room = next(r for r in rooms["rooms"] if r["mailbox"])
    if room["linkState"] != "VERIFIED":
        await graphql(http, LINK, SUPERADMIN, room=room["id"], email=room["mailbox"])
    # The mode says NOTIFICATIONS as soon as there is a public URL; the
    # subscription (validated through nginx) follows in the room's first round.
    async with httpx.AsyncClient(base_url=graph) as control:
        with anyio.fail_after(60):
            while True:
                sync = (await graphql(http, SYNC, SUPERADMIN, id=room["id"]))["room"][
                    "sync"
                ]
                subscriptions = (await control.get("/_emulator/subscriptions")).json()
                urls = {item["notificationUrl"] for item in _listed(subscriptions)}
                if sync and sync["mode"] == "NOTIFICATIONS" and urls:
                    break
                await anyio.sleep(0.5)
    assert urls == {f"{public}/webhooks/graph"}
    return {"id": room["id"], "mailbox": room["mailbox"]}


async def a_meeting_made_in_outlook_is_notified_through_the_proxy(
    http: httpx.AsyncClient, graph: str, room: dict[str, str], access_log: Path
) -> None:
    """The guide's last trial step: a meeting made on the emulator's Outlook
    page reaches Transom as a change notification through nginx."""
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = day + timedelta(days=1, hours=10)
    meeting = {
        "tenant": DIRECTORY,
        "user": ORGANIZER,
        "subject": "Through the proxy",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "room": room["mailbox"],
    }
    async with httpx.AsyncClient(base_url=graph) as outlook:
        made = await outlook.post("/_emulator/outlook/api/events", json=meeting)
    assert made.status_code == 201, made.text
    window = {"start": day.isoformat(), "end": (day + timedelta(days=3)).isoformat()}
    with anyio.fail_after(30):
        while True:
            found = await graphql(http, BOOKINGS, SUPERADMIN, id=room["id"], **window)
            subjects = [b["subject"] for b in found["room"]["bookings"]]
            if "Through the proxy" in subjects:
                break
            await anyio.sleep(0.5)
    assert (
        '"POST /webhooks/graph HTTP/1.1" 202'
        in await anyio.Path(access_log).read_text()
    )


def _listed(body: Any) -> list[dict[str, Any]]:
    return list(body["value"] if isinstance(body, dict) else body)


async def an_unauthenticated_request_is_refused(public: str, tls: Any) -> str:
    """A query without a token or cookie: its request id (nginx's $request_id)."""
    async with httpx.AsyncClient(base_url=public, verify=tls) as anonymous:
        response = await anonymous.post(
            "/graphql", json={"query": "{ rooms { name } }"}
        )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    request_id: str = response.headers["x-request-id"]
    assert len(request_id) == 32  # nginx's, not one Transom made
    return request_id


async def graph_validates_the_webhook(http: httpx.AsyncClient) -> None:
    """Graph's subscription validation, through the proxy."""
    response = await http.post(
        "/webhooks/graph", params={"validationToken": VALIDATION}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == VALIDATION


async def metrics_are_scraped_from_the_process_not_the_proxy(
    http: httpx.AsyncClient, backend: int
) -> None:
    through_proxy = await http.get(
        "/metrics", headers={"Authorization": f"Bearer {METRICS}"}
    )
    async with httpx.AsyncClient() as direct:
        scraped = await direct.get(
            f"http://127.0.0.1:{backend}/metrics",
            headers={"Authorization": f"Bearer {METRICS}"},
        )
    assert through_proxy.status_code == 403
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
    }
    assert samples["transom_displays_paired"] == 1
    assert "transom_websocket_connections" in samples


async def next_payload(ws: Any) -> dict[str, Any]:
    with anyio.fail_after(10):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "next":
                payload: dict[str, Any] = message["payload"]
                return payload
            assert message["type"] != "error", message


def read(operation: str) -> str:
    return (SIGNAGE / f"{operation}.graphql").read_text()
