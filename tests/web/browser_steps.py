"""What an admin does in the browser, step by step (located by role and label)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from tests.graphql_client import user_errors_of
from tests.web.admins import graphql, signed_in_client
from tests.web.conftest import OTHER_ADMIN_EMAIL, AdminUi
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_DOMAIN, TENANT_ID

ORGANIZER = f"ada.ahmed@{TENANT_DOMAIN}"  # a person of the emulator's demo seed
APP = f"/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
SIGNAGE_OPERATIONS = Path(__file__).parents[2] / "schema" / "operations" / "signage"


def sign_in(page: Page, ui: AdminUi, password: str | None = None) -> None:
    page.goto(f"{ui.url}/admin/")
    page.get_by_label("Email").fill(ui.email)
    page.get_by_label("Password").fill(password or ui.password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def tenant_card(page: Page) -> Locator:
    return page.get_by_role("region", name="Contoso")


def connect(
    page: Page, secret: str = CLIENT_SECRET, expires_on: str = "2027-06-30"
) -> Locator:
    card = tenant_card(page)
    card.get_by_label("Directory (tenant) ID").fill(TENANT_ID)
    card.get_by_label("Application (client) ID").fill(CLIENT_ID)
    card.get_by_label("Client secret value").fill(secret)
    card.get_by_label("Secret expires on").fill(expires_on)
    card.get_by_role("button", name="Save and connect").click()
    return card


def connected(page: Page, ui: AdminUi) -> None:
    sign_in(page, ui)
    card = connect(page)
    expect(card.locator("[data-status]")).to_have_attribute("data-status", "CONNECTED")


def room_row(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(
        has=page.get_by_role("button", name=f"Edit {name}")
    )


def expire_all_secrets(ui: AdminUi) -> None:
    response = httpx.post(
        f"{ui.emulator_url}/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
        "/secrets/all/expire",
        timeout=30,
    )
    assert response.status_code < 400, response.text


def pairing_code(ui: AdminUi) -> str:
    response = httpx.post(
        f"{ui.url}/graphql",
        json={"query": "mutation { requestDisplayPairing { pairing { code } } }"},
        timeout=30,
    )
    code: str = response.json()["data"]["requestDisplayPairing"]["pairing"]["code"]
    return code


def paired_display(ui: AdminUi) -> dict[str, str]:
    """A display's pairing request: its code and its secret (the device token)."""
    response = httpx.post(
        f"{ui.url}/graphql",
        json={
            "query": "mutation { requestDisplayPairing { pairing { code secret } } }"
        },
        timeout=30,
    )
    pairing: dict[str, str] = response.json()["data"]["requestDisplayPairing"][
        "pairing"
    ]
    return pairing


def display_checks_in(ui: AdminUi, secret: str) -> dict[str, Any]:
    """What a paired display does on start: read itself with its token."""
    home = (SIGNAGE_OPERATIONS / "DisplayHome.graphql").read_text()
    response = httpx.post(
        f"{ui.url}/graphql",
        json={"query": home, "operationName": "DisplayHome"},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    return body


@contextmanager
def other_admin(ui: AdminUi) -> Iterator[OtherAdmin]:
    """A second admin of the tenant, signed in through the API (another browser)."""
    client, csrf = signed_in_client(ui.url, OTHER_ADMIN_EMAIL)
    with closing(client):
        yield OtherAdmin(client, csrf)


class OtherAdmin:
    def __init__(self, client: httpx.Client, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = graphql(self.client, query, variables, csrf=self.csrf)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        assert not user_errors_of(data), data
        return data

    def room_ids(self) -> dict[str, str]:
        rooms = self.data("{ rooms { id name } }")["rooms"]
        return {r["name"]: r["id"] for r in rooms}

    def import_and_link(self, tenant_id: str, name: str) -> str:
        """Import the tenant's rooms and link room `name` to its mailbox."""
        imported = self.data(
            "mutation ($t: ID!) { importRooms(tenantId: $t) { rooms { id name } } }",
            t=tenant_id,
        )["importRooms"]["rooms"]
        room_id = next(r["id"] for r in imported if r["name"] == name)
        mailbox = self.data(
            "query ($id: ID!) { room(id: $id) { mailbox } }", id=room_id
        )
        linked = self.data(
            "mutation ($id: ID!, $email: String!) { linkRoomMailbox(roomId: $id, "
            "email: $email) { room { linkState } } }",
            id=room_id,
            email=mailbox["room"]["mailbox"],
        )["linkRoomMailbox"]["room"]
        assert linked["linkState"] == "VERIFIED", linked
        return room_id

    def room_sync(self, room_id: str) -> dict[str, Any]:
        room = self.data(
            "query ($id: ID!) { room(id: $id) { sync { status lastSyncedAt } } }",
            id=room_id,
        )["room"]
        return room["sync"] or {}


def outlook_meeting(
    ui: AdminUi, *, room: str, subject: str, start: datetime, end: datetime
) -> None:
    """Someone books `room` in Outlook (the emulator's Outlook page API)."""
    response = httpx.post(
        f"{ui.emulator_url}/_emulator/outlook/api/events",
        json={
            "tenant": TENANT_ID,
            "user": ORGANIZER,
            "subject": subject,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "room": room,
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text


def emulator_control(ui: AdminUi, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(
        method, f"{ui.emulator_url}/_emulator{path}", json=body, timeout=30
    )
    assert response.status_code < 400, response.text
    return response.json() if response.content else None


def wait_until(check: Callable[[], bool], seconds: float = 20) -> None:
    """Poll `check` (an API look, not the page) until it holds."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)
