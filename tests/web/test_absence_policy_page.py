"""The Absence policy page in Chromium: a subject template and a kind's target
previewed live (sickness stays neutral), then saved and shown again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser_steps import serious_violations, sign_in
from tests.web.conftest import AdminUi, screenshot

pytestmark = pytest.mark.browser


def test_a_policy_change_is_previewed_then_saved(ui: Page, admin_ui: AdminUi) -> None:
    # given
    sign_in(ui, admin_ui)
    ui.get_by_role("navigation").get_by_role("link", name="Absence policy").click()
    preview = ui.locator("#preview-subjects")
    vacation = preview.locator("tr[data-kind=VACATION]")
    sick = preview.locator("tr[data-kind=SICK]")
    expect(vacation).to_contain_text("Out of office")
    travel = ui.get_by_label("Travel", exact=True)
    expect(travel).to_have_value("WORKING_ELSEWHERE")

    # when the admin writes a subject template and sends travel nowhere
    ui.get_by_label("Out of office", exact=True).fill("{name}: {kind}")
    travel.select_option("NEVER")

    # then the preview shows it before anything is saved; sickness stays neutral
    expect(vacation).to_contain_text("Adele Vance: vacation")
    expect(sick).to_contain_text("Adele Vance: Out of office")
    expect(sick).not_to_contain_text("sick")
    expect(preview.locator("tr[data-kind=TRAVEL]")).to_contain_text("Not in Outlook")
    # and the built-in table stays named beside each kind
    expect(ui.locator("#kinds tr").filter(has_text="Travel")).to_contain_text(
        "Working elsewhere"
    )

    # when the automatic replies are switched on in Danish with an own text
    ui.get_by_label("Out-of-office absences switch on").check()
    ui.get_by_label("Language of the replies").select_option("da")
    ui.locator("#reply-da-internal").fill("{name} holder fri til {end}.")
    ui.locator("#reply-da-external").fill("Tak. Jeg er tilbage efter {end}.")
    # then the reply preview fills it in
    expect(ui.locator("#preview-internal")).to_contain_text(
        "Adele Vance holder fri til"
    )
    screenshot(ui, "absence-policy")
    assert serious_violations(ui) == []

    # when saved and opened again
    ui.get_by_role("button", name="Save policy").click()
    expect(
        ui.get_by_role("status").filter(has_text="Absence policy saved")
    ).to_be_visible()
    ui.reload()

    # then it is as saved
    expect(ui.get_by_label("Out of office", exact=True)).to_have_value("{name}: {kind}")
    expect(ui.get_by_label("Travel", exact=True)).to_have_value("NEVER")
    expect(ui.get_by_label("Language of the replies")).to_have_value("da")
    expect(ui.locator("#reply-da-external")).to_have_value(
        "Tak. Jeg er tilbage efter {end}."
    )
    expect(vacation).to_contain_text("Adele Vance: vacation")
