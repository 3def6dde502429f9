"""The API tokens page in Chromium: a token created for an HR system is shown
once, works, shows when it was last used, and is refused once revoked."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.browser_steps import serious_violations, sign_in
from tests.web.conftest import AdminUi, screenshot

pytestmark = pytest.mark.browser

VIEWER = {"query": "{ viewer { role } }"}


def call_with(ui: AdminUi, secret: str) -> dict:
    answer = httpx.post(
        f"{ui.url}/graphql",
        json=VIEWER,
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body: dict = answer.json()
    return body


def test_a_token_is_created_shown_once_used_and_revoked(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    sign_in(ui, admin_ui)
    ui.get_by_role("navigation").get_by_role("link", name="API tokens").click()
    expect(ui.get_by_text("No API tokens yet.")).to_be_visible()

    # when an HR system gets a reader token
    ui.get_by_label("Name").fill("Personio")
    ui.get_by_label("Role").select_option("READER")
    ui.get_by_role("button", name="Create token").click()

    # then its secret is shown, once, and works
    secret_field = ui.get_by_label("Token", exact=True)
    expect(secret_field).to_be_visible()
    secret = secret_field.input_value()
    assert len(secret) >= 20
    assert call_with(admin_ui, secret)["data"]["viewer"]["role"] == "READER"
    row = ui.get_by_role("row").filter(has_text="Personio")
    expect(row).to_contain_text("Reader")
    screenshot(ui, "api-tokens")
    assert serious_violations(ui) == []

    # when the page is opened again
    ui.reload()
    # then the secret is gone from it, and the token's use is listed
    expect(ui.get_by_label("Token", exact=True)).to_be_hidden()
    assert secret not in ui.content()
    expect(row).not_to_contain_text("Never used")

    # when it is revoked, after a confirmation that says what happens
    row.get_by_role("button", name="Revoke Personio").click()
    dialog = ui.get_by_role("dialog", name="Revoke this token?")
    expect(dialog).to_contain_text("stops working at once")
    dialog.get_by_role("button", name="Revoke").click()

    # then
    expect(row).to_contain_text("Revoked")
    refused = call_with(admin_ui, secret)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert serious_violations(ui) == []
