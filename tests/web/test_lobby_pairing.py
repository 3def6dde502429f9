"""The Displays page pairs a lobby display to a building or one floor of it."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.web.browser_steps import connected, other_admin, pairing_code
from tests.web.conftest import AdminUi, screenshot

ROOM = "Foundry Anvil"


def serious_violations(page: Page) -> list[str]:
    return [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.browser
def test_a_lobby_display_is_paired_to_a_building_and_to_a_floor(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given the tenant's rooms imported (Foundry's on floors 1 to 4)
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        admin.import_and_link(admin_ui.tenant_id, ROOM)
    ui.get_by_role("link", name="Displays").click()
    lobby = ui.get_by_label("Every room of a building or floor (lobby display)")
    # when a display is paired to the whole building
    ui.get_by_label("Pairing code").fill(pairing_code(admin_ui))
    lobby.check()
    expect(ui.get_by_label("Room", exact=True)).to_be_hidden()
    ui.get_by_label("Building", exact=True).select_option("Foundry")
    ui.get_by_role("button", name="Pair display").click()
    # then it is listed as showing the building
    expect(ui.get_by_role("row").filter(has_text="Lobby: Foundry")).to_be_visible()
    # and when another is paired to one floor, without choosing a building first
    ui.get_by_label("Pairing code").fill(pairing_code(admin_ui))
    lobby.check()
    ui.get_by_role("button", name="Pair display").click()
    expect(
        ui.get_by_text("Choose the building this lobby display shows.")
    ).to_be_visible()
    ui.get_by_label("Building", exact=True).select_option("Foundry")
    ui.get_by_label("Floor", exact=True).select_option("2")
    ui.get_by_role("button", name="Pair display").click()
    # then
    row = ui.get_by_role("row").filter(has_text="Lobby: Foundry, floor 2")
    expect(row).to_be_visible()
    expect(row.get_by_role("button", name="Revoke")).to_be_visible()
    assert serious_violations(ui) == []
    screenshot(ui, "displays-lobby")
