"""The Absences page in Chromium against a syncing Transom and the emulator:
an absence registered, approved and deleted shows its state follow while its
Outlook event appears and disappears; a CSV file of 500 rows with 3 bad ones
imports 497 and names the 3; importing it again changes nothing."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.browser_steps import (
    APP,
    ORGANIZER,
    connect,
    connected,
    emulator_control,
    expire_all_secrets,
    other_admin,
    serious_violations,
    tenant_card,
    wait_until,
)
from tests.web.conftest import AdminUi, screenshot, scroll_to
from transom.emulator import TENANT_ID

pytestmark = pytest.mark.browser

SYNC_PEOPLE = """
mutation ($t: ID!) { syncPeople(tenantId: $t) { imported { total } } }
"""
PEOPLE = "query ($t: ID!) { people(tenantId: $t, first: 200) { nodes { email } } }"
ABSENCES = """
query ($t: ID!, $after: String) {
  absences(tenantId: $t, first: 200, after: $after) {
    nodes { externalId start end allDay approval }
    pageInfo { hasNextPage endCursor }
  }
}
"""
TENANT_ZONE = ZoneInfo("Europe/Copenhagen")  # tests.factories.make_tenant
SAMPLE = Path(__file__).parents[2] / "docs" / "absences-sample.csv"
DAY = datetime.now(UTC).date() + timedelta(days=60)  # clear of the demo seed's week


@pytest.fixture
def browser_time_zone() -> str:
    """Not the tenant's: times on the page and in files follow the tenant's."""
    return "America/New_York"


def open_absences(ui: Page, admin_ui: AdminUi) -> None:
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        admin.data(SYNC_PEOPLE, t=admin_ui.tenant_id)
    ui.get_by_role("navigation").get_by_role("link", name="Absences").click()
    expect(ui.locator("body[data-live=on]")).to_have_count(1)
    expect(ui.get_by_role("button", name="Register an absence")).to_be_enabled()


def outlook_items(admin_ui: AdminUi, user: str) -> list[dict[str, Any]]:
    """What `user`'s Outlook calendar shows around DAY (the emulator's view)."""
    start = datetime.combine(DAY - timedelta(days=1), datetime.min.time(), UTC)
    response = httpx.get(
        f"{admin_ui.emulator_url}/_emulator/outlook/api/calendar",
        params={
            "tenant": TENANT_ID,
            "user": user,
            "start": start.isoformat(),
            "end": (start + timedelta(days=4)).isoformat(),
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return [i for i in items if i["showAs"] == "oof"]


def test_an_absence_is_registered_approved_and_deleted_and_outlook_follows(
    ui: Page, admin_ui: AdminUi
) -> None:
    open_absences(ui, admin_ui)
    expect(ui.get_by_text("No absences yet.")).to_be_visible()

    # when an admin registers a two-day vacation awaiting approval
    ui.get_by_role("button", name="Register an absence").click()
    editor = ui.get_by_role("dialog", name="Register an absence")
    editor.get_by_label("Person's email").fill("nobody@contoso.example")
    editor.get_by_label("Kind").select_option(label="Vacation")
    editor.get_by_label("First day").fill(DAY.isoformat())
    editor.get_by_label("Last day").fill((DAY + timedelta(days=1)).isoformat())
    editor.get_by_role("button", name="Register").click()
    # (an address nobody has is refused beside its field)
    person = editor.get_by_label("Person's email")
    expect(person).to_have_attribute("aria-invalid", "true")
    expect(editor).to_contain_text("nobody in the directory has the address")
    person.fill(ORGANIZER)
    editor.get_by_role("button", name="Register").click()

    # then it is listed, not in Outlook, and says why
    expect(editor).to_be_hidden()
    row = ui.locator("tr[data-absence-id]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Awaiting approval")
    state = row.locator(".absence-state")
    expect(state).to_contain_text("Not in Outlook")
    expect(state).to_contain_text("It goes to Outlook once approved.")
    assert outlook_items(admin_ui, ORGANIZER) == []

    # when it is approved
    row.get_by_role("button", name="Approve").click()

    # then the state follows to "In Outlook" and the event is in the calendar
    expect(row).to_have_attribute("data-sync-state", "SYNCED", timeout=20_000)
    expect(row.locator(".absence-state")).to_contain_text("Shown as out of office")
    events = outlook_items(admin_ui, ORGANIZER)
    assert [e["subject"] for e in events] == ["Out of office"]
    midnight = datetime.combine(DAY, datetime.min.time(), TENANT_ZONE)
    assert datetime.fromisoformat(events[0]["start"]) == midnight  # all day there
    scroll_to(row)
    screenshot(ui, "absences")
    assert serious_violations(ui) == []

    # when it is edited to last a day longer
    row.get_by_role("button", name="Edit").click()
    editor = ui.get_by_role("dialog", name="Edit the absence of Ada Ahmed")
    expect(editor.get_by_label("Last day")).to_have_value(
        (DAY + timedelta(days=1)).isoformat()
    )
    editor.get_by_label("Last day").fill((DAY + timedelta(days=2)).isoformat())
    editor.get_by_role("button", name="Save").click()

    # then the same Outlook event moves
    expect(editor).to_be_hidden()
    three_days = midnight + timedelta(days=3)

    def moved() -> bool:
        found = outlook_items(admin_ui, ORGANIZER)
        return [datetime.fromisoformat(e["end"]) for e in found] == [three_days]

    wait_until(moved)
    assert outlook_items(admin_ui, ORGANIZER)[0]["id"] == events[0]["id"]
    expect(row).to_have_attribute("data-sync-state", "SYNCED")

    # when it is deleted, after a confirmation saying what happens in Outlook
    row.get_by_role("button", name="Delete").click()
    dialog = ui.get_by_role("dialog", name="Delete this absence?")
    expect(dialog).to_contain_text("removed from")
    expect(dialog).to_contain_text("Outlook calendar")
    screenshot(ui, "absences-delete")
    assert serious_violations(ui) == []
    dialog.get_by_role("button", name="Delete", exact=True).click()

    # then it leaves the list and its event leaves Outlook
    expect(ui.get_by_text("No absences yet.")).to_be_visible()
    wait_until(lambda: outlook_items(admin_ui, ORGANIZER) == [])


def write_csv(path: Path, people: list[str]) -> dict[int, str]:
    """500 absences in the three date styles; rows 101, 251 and 401 (counting
    the header as row 1) are bad. Answers the bad rows and their reason."""
    bad = {
        101: "not an email address",
        251: "nobody in the directory",
        401: "is not a date",
    }
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["External ID", "Email", "Kind", "Start", "End", "Approved"])
        for index in range(500):
            row = index + 2
            day = DAY + timedelta(days=index % 90)
            email = people[index % len(people)]
            kind = ["Vacation", "sick", "WORKING_FROM_HOME", "course"][index % 4]
            if index % 3 == 0:
                start, end = day.isoformat(), (day + timedelta(days=2)).isoformat()
            elif index % 3 == 1:
                start = end = day.strftime("%d.%m.%Y")
            else:
                start, end = f"{day} 08:30", f"{day} 12:00"
            if row == 101:
                email = "ada.ahmed.contoso"
            if row == 251:
                email = "nobody@contoso.example"
            if row == 401:
                start = "2026-02-30"
            approved = "yes" if index % 25 == 0 else "no"
            writer.writerow([f"hr-{index}", email, kind, start, end, approved])
    return bad


def all_absences(admin_ui: AdminUi) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    with other_admin(admin_ui) as admin:
        while True:
            page = admin.data(ABSENCES, t=admin_ui.tenant_id, after=after)
            found += page["absences"]["nodes"]
            if not page["absences"]["pageInfo"]["hasNextPage"]:
                return found
            after = page["absences"]["pageInfo"]["endCursor"]


def test_a_csv_of_500_with_3_bad_rows_imports_497_and_again_changes_nothing(
    ui: Page, admin_ui: AdminUi, tmp_path: Path
) -> None:
    open_absences(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        people = [
            p["email"]
            for p in admin.data(PEOPLE, t=admin_ui.tenant_id)["people"]["nodes"]
        ]
    path = tmp_path / "absences.csv"
    bad = write_csv(path, people)

    # when the file is chosen
    ui.get_by_label("CSV file", exact=True).set_input_files(str(path))

    # then it is checked before anything is saved, naming the bad rows
    expect(ui.locator(".csv-summary")).to_contain_text(
        "500 rows, 497 ready to import, 3 with problems"
    )
    problems = ui.get_by_role("table", name="Rows with problems")
    for row, reason in bad.items():
        expect(problems.locator(f"tr[data-row='{row}']")).to_contain_text(
            reason, ignore_case=True
        )
    assert all_absences(admin_ui) == []
    scroll_to(ui.locator(".csv-summary"))
    screenshot(ui, "absences-import-preview")
    assert serious_violations(ui) == []

    # when the good rows are imported
    ui.get_by_role("button", name="Import 497 absences").click()

    # then 497 are saved, the 3 are named as not imported
    outcome = ui.locator(".import-outcome")
    expect(outcome).to_have_text(
        "Imported 497 absences: 497 new, 0 changed, 0 already as in the file."
    )
    expect(ui.get_by_text("3 rows were not imported")).to_be_visible()
    saved = {a["externalId"]: a for a in all_absences(admin_ui)}
    assert len(saved) == 497
    assert {"hr-99", "hr-249", "hr-399"}.isdisjoint(saved)
    # and times without an offset were the tenant's wall clock
    timed = saved["hr-2"]
    wall = datetime.combine(DAY + timedelta(days=2), datetime.min.time())
    expected = wall.replace(hour=8, minute=30, tzinfo=TENANT_ZONE).astimezone(UTC)
    assert datetime.fromisoformat(timed["start"]) == expected
    assert timed["allDay"] is False
    # and an all-day end is the last day, inclusive
    assert saved["hr-0"]["allDay"] is True
    assert saved["hr-0"]["end"].startswith((DAY + timedelta(days=3)).isoformat())
    assert saved["hr-1"]["end"].startswith((DAY + timedelta(days=2)).isoformat())
    scroll_to(outcome)
    screenshot(ui, "absences-imported")
    # and the list narrows by person and kind, and pages on
    expect(ui.locator("#absences-summary")).to_have_text("100+ absences.")
    ui.get_by_role("button", name="Show more").click()
    expect(ui.locator("#absences-summary")).to_have_text("200+ absences.")
    filters = ui.get_by_role("search", name="Filter absences")
    filters.get_by_label("Person").fill(people[0])
    filters.get_by_label("Kind").select_option(label="Vacation")
    vacations = [
        i
        for i in range(500)
        if i % len(people) == 0 and i % 4 == 0 and i + 2 not in bad
    ]
    assert len(vacations) == 6
    expect(ui.locator("#absences-summary")).to_have_text(
        f"{len(vacations)} absences match the filters."
    )
    expect(ui.locator("tr[data-absence-id]")).to_have_count(len(vacations))
    filters.get_by_label("Person").fill("")
    filters.get_by_label("Kind").select_option(label="Any kind")

    # when the same file is imported again
    ui.get_by_label("CSV file", exact=True).set_input_files([])
    ui.get_by_label("CSV file", exact=True).set_input_files(str(path))
    ui.get_by_role("button", name="Import 497 absences").click()

    # then nothing changed, and the page says so
    expect(outcome).to_have_text(
        "Nothing changed: all 497 absences were already as in the file."
    )
    assert {a["externalId"]: a for a in all_absences(admin_ui)} == saved

    # a kind the tenant does not know is named before importing
    odd = tmp_path / "odd.csv"
    odd.write_text(
        f"external_id;email;kind;start;end\nhr-odd;{people[0]};Skiing;{DAY};{DAY}\n"
    )
    ui.get_by_label("CSV file", exact=True).set_input_files(str(odd))
    expect(ui.get_by_role("table", name="Rows with problems")).to_contain_text(
        "“Skiing” is not a kind this tenant knows"
    )
    expect(ui.get_by_role("button", name="Import 0 absences")).to_be_hidden()

    # and the sample file the README points to is clean
    ui.get_by_label("CSV file", exact=True).set_input_files(str(SAMPLE))
    expect(ui.locator(".csv-summary")).to_contain_text(
        "4 rows, 4 ready to import, 0 with problems"
    )


REGISTER = """
mutation ($t: ID!, $input: RegisterAbsenceInput!) {
  registerAbsence(tenantId: $t, input: $input) { absence { id } }
}
"""


def test_a_held_absence_says_to_renew_the_secret_and_syncs_once_renewed(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given the tenant's secret expired, as Test connection found
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        admin.data(SYNC_PEOPLE, t=admin_ui.tenant_id)
    expire_all_secrets(admin_ui)
    card = tenant_card(ui)
    card.get_by_role("button", name="Test connection").click()
    expect(card.locator("[data-status]")).to_have_attribute(
        "data-status", "SECRET_EXPIRED"
    )
    # when HR registers an approved absence
    with other_admin(admin_ui) as admin:
        values = {
            "personEmail": ORGANIZER,
            "kind": "SICK",
            "start": DAY.isoformat() + "T00:00:00Z",
            "end": DAY.isoformat() + "T00:00:00Z",
            "allDay": True,
            "approved": True,
        }
        admin.data(REGISTER, t=admin_ui.tenant_id, input=values)
    ui.get_by_role("navigation").get_by_role("link", name="Absences").click()

    # then the page says it is held and what to do
    row = ui.locator("tr[data-absence-id]")
    expect(row).to_have_attribute("data-sync-state", "HELD", timeout=20_000)
    expect(row).to_contain_text("Renew the client secret in Entra ID")
    expect(row.get_by_role("link", name="Tenants page")).to_be_visible()
    expect(row.get_by_role("button", name="Retry")).to_be_visible()
    scroll_to(row)
    screenshot(ui, "absences-held")
    assert serious_violations(ui) == []
    assert outlook_items(admin_ui, ORGANIZER) == []

    # when an admin saves a renewed secret on the Tenants page
    secret = emulator_control(admin_ui, "POST", f"{APP}/secrets", {"days": 365})
    row.get_by_role("link", name="Tenants page").click()
    card = connect(ui, secret=secret["value"])
    expect(card.locator("[data-status]")).to_have_attribute("data-status", "CONNECTED")

    # then the absence syncs by itself, with the neutral subject
    ui.get_by_role("navigation").get_by_role("link", name="Absences").click()
    expect(row).to_have_attribute("data-sync-state", "SYNCED", timeout=20_000)
    expect(row.get_by_role("button", name="Retry")).to_have_count(0)
    subjects = [e["subject"] for e in outlook_items(admin_ui, ORGANIZER)]
    assert subjects == ["Out of office"]


def test_a_failed_absence_shows_the_hint_and_syncs_when_retried(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given an app access policy that leaves out the person's mailbox
    other = "someone.else@contoso.onmicrosoft.com"
    emulator_control(admin_ui, "PUT", f"{APP}/access-policy", {"mailboxes": [other]})
    open_absences(ui, admin_ui)
    # when an approved absence is registered for them
    with other_admin(admin_ui) as admin:
        values = {
            "personEmail": ORGANIZER,
            "kind": "COURSE",
            "start": f"{DAY}T08:00:00Z",
            "end": f"{DAY}T12:00:00Z",
            "approved": True,
        }
        admin.data(REGISTER, t=admin_ui.tenant_id, input=values)
    # then the row says it failed, why, and how to fix it
    row = ui.locator("tr[data-absence-id]")
    expect(row).to_have_attribute("data-sync-state", "FAILED", timeout=20_000)
    expect(row.locator(".absence-state")).to_contain_text("access policy")
    scroll_to(row)
    screenshot(ui, "absences-failed")
    assert serious_violations(ui) == []

    # when the policy is widened and the write retried
    emulator_control(
        admin_ui, "PUT", f"{APP}/access-policy", {"mailboxes": [other, ORGANIZER]}
    )
    row.get_by_role("button", name="Retry").click()

    # then it is in Outlook, shown as working elsewhere
    expect(row).to_have_attribute("data-sync-state", "SYNCED", timeout=20_000)
    expect(row.locator(".absence-state")).to_contain_text("working elsewhere")
