"""What an admin does in the browser, step by step (located by role and label)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.web.conftest import AdminUi
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID


def sign_in(page: Page, ui: AdminUi, password: str | None = None) -> None:
    page.goto(f"{ui.url}/admin/")
    page.get_by_label("Email").fill(ui.email)
    page.get_by_label("Password").fill(password or ui.password)
    page.get_by_role("button", name="Sign in").click()


def tenant_card(page: Page) -> Locator:
    return page.get_by_role("region", name="Contoso")


def connect(page: Page, secret: str = CLIENT_SECRET) -> Locator:
    card = tenant_card(page)
    card.get_by_label("Directory (tenant) ID").fill(TENANT_ID)
    card.get_by_label("Application (client) ID").fill(CLIENT_ID)
    card.get_by_label("Client secret value").fill(secret)
    card.get_by_label("Secret expires on").fill("2027-06-30")
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
        json={"query": "mutation { requestDisplayPairing { code } }"},
        timeout=30,
    )
    code: str = response.json()["data"]["requestDisplayPairing"]["code"]
    return code
