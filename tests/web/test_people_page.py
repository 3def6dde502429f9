"""The People page in Chromium against a syncing Transom and the emulator:
connecting every calendar of a 200-person directory, watched to the end, with
the people outside the app's access policy listed with the fix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.servers import serve_in_thread
from tests.web.browser_steps import connected, emulator_control, serious_violations
from tests.web.conftest import AdminUi, screenshot
from transom.emulator import CLIENT_ID, TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.provisioning import add_user

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

PEOPLE = 200
DENIED = [f"newcomer{i:03}" for i in range(5)]


@pytest.fixture
def grown_emulator() -> Any:
    """The demo directory grown to 200 people."""
    app = create_emulator(seed="demo")
    emulator = app.state.emulator
    tenant = emulator.tenants[TENANT_ID]
    people = [u for u in tenant.users.values() if u.purpose == "user"]
    for i in range(PEOPLE - len(people)):
        add_user(emulator, TENANT_ID, f"Newcomer {i:03}", f"newcomer{i:03}")
    return app


@pytest.fixture
def emulator_url(grown_emulator: Any) -> Iterator[str]:
    with serve_in_thread(grown_emulator) as url:
        yield url


def allow_all_but_the_denied(ui: AdminUi, grown_emulator: Any) -> None:
    """An application access policy that leaves five people's mailboxes out."""
    tenant = grown_emulator.state.emulator.tenants[TENANT_ID]
    mailboxes = [
        user.mail
        for user in tenant.users.values()
        if user.mail and user.mail.split("@")[0] not in DENIED
    ]
    emulator_control(
        ui,
        "PUT",
        f"/tenants/{TENANT_ID}/apps/{CLIENT_ID}/access-policy",
        {"mailboxes": mailboxes},
    )


@pytest.mark.timeout(600)
def test_connecting_every_calendar_shows_progress_to_done_and_the_refused(
    ui: Page, admin_ui: AdminUi, grown_emulator: Any
) -> None:
    # given a connected tenant whose app may not read five mailboxes
    connected(ui, admin_ui)
    allow_all_but_the_denied(admin_ui, grown_emulator)
    ui.get_by_role("navigation").get_by_role("link", name="People", exact=True).click()
    expect(ui.locator("#progress")).to_contain_text("No people yet")

    # when the admin connects every calendar in one step
    ui.get_by_role("button", name="Connect all calendars").click()

    # then the progress reaches done: 195 followed, 5 refused
    headline = ui.locator("#progress-headline")
    expect(headline).to_have_text(
        f"Done: {PEOPLE - len(DENIED)} of {PEOPLE} calendars followed.", timeout=300_000
    )
    expect(ui.locator("#progress")).to_contain_text(f"Access denied: {len(DENIED)}")
    screenshot(ui, "people")

    # when the admin asks who was refused
    ui.get_by_role(
        "button",
        name=f"Show the {len(DENIED)} people whose calendar Transom may not read",
    ).click()

    # then exactly they are listed, each with the access-policy fix
    rows = ui.locator("#people tbody tr")
    expect(rows).to_have_count(len(DENIED))
    for i in range(len(DENIED)):
        expect(rows.nth(i)).to_contain_text("Access denied")
        expect(rows.nth(i)).to_contain_text("application access policy")
        expect(rows.nth(i)).to_contain_text(re.compile(r"newcomer00[0-4]@"))
    screenshot(ui, "people-access-denied")
    assert serious_violations(ui) == []

    # when one of them is switched to "availability from absences only"
    ui.get_by_label("Calendar", exact=True).select_option("")
    ui.get_by_label("Name or email").fill("Newcomer 010")
    person = ui.locator("#people tbody tr")
    expect(person).to_have_count(1)
    expect(person).to_contain_text("Followed")
    switch = person.get_by_role("checkbox")
    expect(switch).to_be_checked()
    switch.uncheck()

    # then it sticks (a filter on it finds the person)
    expect(ui.get_by_role("status").filter(has_text="absences only")).to_be_visible()
    ui.get_by_label("Availability", exact=True).select_option("false")
    expect(person).to_have_count(1)
    expect(person).to_contain_text("Newcomer 010")

    # when the admin disconnects every calendar, after a confirmation that says
    # what stops, what is deleted in Transom and that Exchange keeps everything
    ui.get_by_role("button", name="Disconnect calendars…").click()
    dialog = ui.get_by_role("dialog", name="Disconnect every calendar?")
    expect(dialog).to_contain_text("nothing is deleted in Exchange")
    expect(dialog).to_contain_text("Deleted in Transom")
    dialog.get_by_role("button", name="Disconnect calendars").click()

    # then nobody's calendar is followed any more
    expect(
        ui.get_by_role("status").filter(has_text="Stopped following")
    ).to_be_visible()
    expect(ui.locator("#progress")).to_contain_text("Followed: 0")
    expect(headline).to_have_text(f"{PEOPLE} people; no calendar connected yet.")
    assert serious_violations(ui) == []
