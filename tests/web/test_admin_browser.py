"""The admin UI in real Chromium against a real Transom and the Graph emulator.

Elements are located by role and label, so the tests double as accessibility
checks. Each test leaves a 1280x800 screenshot in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser_steps import (
    connect,
    connected,
    expire_all_secrets,
    pairing_code,
    room_row,
    sign_in,
    tenant_card,
)
from tests.web.conftest import AdminUi, screenshot

pytestmark = pytest.mark.browser

ROOM = "Foundry Anvil"  # one of the emulator's demo rooms


def test_a_wrong_password_is_refused_and_five_lock_the_account(
    ui: Page, admin_ui: AdminUi
) -> None:
    # when
    sign_in(ui, admin_ui, password="not the password")
    # then
    expect(ui.get_by_role("alert")).to_have_text("The email or password is wrong.")
    screenshot(ui, "sign-in-refused")
    # when
    for _ in range(4):
        sign_in(ui, admin_ui, password="still not the password")
    sign_in(ui, admin_ui)
    # then
    expect(ui.get_by_role("alert")).to_contain_text("locked for 15 more minutes")


def test_signing_in_opens_the_tenants_page(ui: Page, admin_ui: AdminUi) -> None:
    # when
    sign_in(ui, admin_ui)
    # then
    expect(ui.get_by_role("heading", level=1)).to_have_text("Tenants")
    expect(ui.get_by_role("link", name="Tenants")).to_have_attribute(
        "aria-current", "page"
    )
    expect(tenant_card(ui).locator("[data-status]")).to_have_attribute(
        "data-status", "DISABLED"
    )
    # when
    ui.get_by_role("button", name="Sign out").click()
    # then
    expect(ui.get_by_role("heading", name="Sign in to Transom")).to_be_visible()


def test_a_wrong_secret_is_explained_and_the_right_one_connects(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    sign_in(ui, admin_ui)
    # when
    card = connect(ui, secret="not-the-secret")
    # then
    expect(card.locator("[data-status]")).to_have_attribute(
        "data-status", "INVALID_CREDENTIALS"
    )
    expect(card.get_by_text("How to fix it:")).to_be_visible()
    expect(card).to_contain_text("Secret ID")
    screenshot(ui, "tenants-wrong-secret")
    # when
    connect(ui)
    # then
    expect(card.locator("[data-status]")).to_have_attribute("data-status", "CONNECTED")
    expect(card).to_contain_text("Connected")
    screenshot(ui, "tenants-connected")


def test_an_expired_secret_shows_secret_expired_with_the_renewal_hint(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    connected(ui, admin_ui)
    expire_all_secrets(admin_ui)
    card = tenant_card(ui)
    # when
    card.get_by_role("button", name="Test connection").click()
    # then
    expect(card.locator("[data-status]")).to_have_attribute(
        "data-status", "SECRET_EXPIRED"
    )
    expect(card).to_contain_text("Certificates & secrets")
    screenshot(ui, "tenants-secret-expired")


def test_import_rooms_then_link_a_mailbox_and_see_the_tick_without_reload(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    connected(ui, admin_ui)
    ui.get_by_role("link", name="Rooms").click()
    # when
    ui.get_by_role("button", name="Import rooms from Microsoft 365").click()
    # then
    expect(ui.get_by_role("status").filter(has_text="Imported")).to_be_visible()
    row = room_row(ui, ROOM)
    expect(row).to_be_visible()
    # when
    row.get_by_role("button", name=f"Edit {ROOM}").click()
    dialog = ui.get_by_role("dialog", name=f"Edit {ROOM}")
    expect(dialog.get_by_label("Mailbox address")).to_have_value(
        re.compile("@contoso.onmicrosoft.com$")
    )
    dialog.get_by_role("button", name="Link and verify").click()
    # then
    expect(dialog.locator("#room-link-state")).to_have_attribute(
        "data-link-state", "VERIFIED"
    )
    dialog.get_by_role("button", name="Close").click()
    expect(row.get_by_text("Verified")).to_be_visible()
    screenshot(ui, "rooms")
    # when importing again with nothing changed in Microsoft 365
    ui.get_by_role("button", name="Import rooms from Microsoft 365").click()
    # then it says so, rather than counting every room as updated
    expect(ui.get_by_role("status").filter(has_text="Nothing changed")).to_be_visible()


def test_a_bad_mailbox_shows_its_reason_beside_the_field(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    connected(ui, admin_ui)
    ui.get_by_role("link", name="Rooms").click()
    ui.get_by_role("button", name="Import rooms from Microsoft 365").click()
    row = room_row(ui, ROOM)
    row.get_by_role("button", name=f"Edit {ROOM}").click()
    dialog = ui.get_by_role("dialog", name=f"Edit {ROOM}")
    # when
    dialog.get_by_label("Mailbox address").fill("nobody@contoso.onmicrosoft.com")
    dialog.get_by_role("button", name="Link and verify").click()
    # then
    mailbox = dialog.get_by_label("Mailbox address")
    expect(mailbox).to_have_attribute("aria-invalid", "true")
    reason = dialog.locator("#" + mailbox.get_attribute("aria-errormessage"))
    expect(reason).to_have_text(re.compile(r"\w+"))
    screenshot(ui, "rooms-bad-mailbox")


def test_a_display_is_paired_by_its_code(ui: Page, admin_ui: AdminUi) -> None:
    # given
    connected(ui, admin_ui)
    ui.get_by_role("link", name="Rooms").click()
    ui.get_by_role("button", name="Import rooms from Microsoft 365").click()
    expect(room_row(ui, ROOM)).to_be_visible()
    code = pairing_code(admin_ui)
    ui.get_by_role("link", name="Displays").click()
    # when
    ui.get_by_label("Pairing code").fill(code)
    room_select = ui.get_by_label("Room", exact=True)
    option = room_select.locator("option", has_text=ROOM).first
    room_select.select_option(option.get_attribute("value"))
    ui.get_by_role("button", name="Pair display").click()
    # then
    row = ui.get_by_role("row").filter(has_text=ROOM)
    expect(row).to_be_visible()
    expect(row.get_by_role("button", name="Revoke")).to_be_visible()
    screenshot(ui, "displays")


def test_settings_are_saved_and_a_bad_value_is_shown_beside_its_field(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    sign_in(ui, admin_ui)
    ui.get_by_role("link", name="Settings").click()
    expect(ui.get_by_role("button", name="Save settings")).to_be_enabled()
    ui.get_by_label("Require check-in at the door display").check()
    expect(ui.get_by_text("Meetings already running are left alone")).to_be_visible()
    # when
    ui.get_by_label("Release a room after (5 to 60 minutes without check-in)").fill(
        "500"
    )
    ui.get_by_role("button", name="Save settings").click()
    # then
    minutes = ui.get_by_label("Release a room after (5 to 60 minutes without check-in)")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(
        ui.get_by_text("release a no-show room after 5 to 60 minutes")
    ).to_be_visible()
    # when
    minutes.fill("15")
    ui.get_by_label("Display language").select_option("DA")
    ui.get_by_role("button", name="Save settings").click()
    # then
    expect(ui.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    ui.reload()
    expect(ui.get_by_label("Display language")).to_have_value("DA")
    expect(ui.get_by_text("Check-in is required (required since")).to_be_visible()
    screenshot(ui, "settings")


def test_the_sync_log_lists_sync_errors_and_failed_writes(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    connected(ui, admin_ui)
    # when
    ui.get_by_role("link", name="Sync log").click()
    # then
    expect(
        ui.get_by_role("heading", name="Failed writes to Microsoft 365")
    ).to_be_visible()
    expect(ui.get_by_text("No failed or waiting writes.")).to_be_visible()
    screenshot(ui, "sync-log")
