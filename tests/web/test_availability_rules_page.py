"""The Availability rules page in Chromium against a syncing Transom and the
emulator: a mapping and free/busy-only saved with a clear before/after, and the
subjects Transom had stored gone from its database at once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.web.browser_steps import (
    ORGANIZER,
    connected,
    other_admin,
    serious_violations,
    wait_until,
)
from tests.web.conftest import AdminUi, screenshot
from transom.db.engine import create_engine
from transom.emulator import TENANT_ID

pytestmark = pytest.mark.browser

SUBJECTS = "SELECT count(*) FROM person_busy_slots WHERE subject IS NOT NULL"
CONNECT = """mutation ($t: ID!) { connectPeopleCalendars(tenantId: $t) {
  progress { synced } } }"""
SLOTS = """query ($a: String!, $s: DateTime!, $e: DateTime!) {
  personByAddress(address: $a) { calendarStatus busySlots(start: $s, end: $e) {
    subject } } }"""


def stored_subjects(database_url: str) -> int:
    async def count() -> int:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                return int((await connection.execute(text(SUBJECTS))).scalar_one())
        finally:
            await engine.dispose()

    # Playwright's sync API keeps an event loop running in this thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, count()).result()


def a_meeting_in_outlook(ui: AdminUi, subject: str, start: datetime) -> None:
    response = httpx.post(
        f"{ui.emulator_url}/_emulator/outlook/api/events",
        json={
            "tenant": TENANT_ID,
            "user": ORGANIZER,
            "subject": subject,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text


@pytest.mark.timeout(600)
def test_rules_saved_with_before_and_after_and_free_busy_only_forgets_subjects(
    ui: Page, admin_ui: AdminUi, database_url: str
) -> None:
    # given a followed calendar with a meeting whose subject Transom stored
    connected(ui, admin_ui)
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start += timedelta(hours=2)
    with other_admin(admin_ui) as admin:
        admin.data(CONNECT, t=admin_ui.tenant_id)
        a_meeting_in_outlook(admin_ui, "Quarterly numbers", start)
        window = {"a": ORGANIZER, "s": start.isoformat()}
        window["e"] = (start + timedelta(hours=1)).isoformat()

        def stored() -> bool:
            slots = admin.data(SLOTS, **window)["personByAddress"]["busySlots"]
            return [s["subject"] for s in slots] == ["Quarterly numbers"]

        wait_until(stored, 120)
    assert stored_subjects(database_url) >= 1

    # when the admin maps Tentative to Busy and turns free/busy-only on
    ui.get_by_role("navigation").get_by_role("link", name="Availability rules").click()
    tentative = ui.get_by_label("Tentative", exact=True)
    expect(tentative).to_have_value("TENTATIVE")
    tentative.select_option("BUSY")
    ui.get_by_label("Free/busy only").check()
    ui.get_by_role("button", name="Save rules").click()

    # then the page says what changed from what
    saved = ui.locator("#saved")
    expect(saved).to_contain_text("Tentative: Tentative → Busy")
    expect(saved).to_contain_text("Free/busy only: off → on")
    expect(saved).to_contain_text("deleted")
    screenshot(ui, "availability-rules")
    assert serious_violations(ui) == []
    # and no subject is stored any more
    assert stored_subjects(database_url) == 0

    # when the page is opened again, the rules are as saved
    ui.reload()
    expect(ui.get_by_label("Tentative", exact=True)).to_have_value("BUSY")
    expect(ui.get_by_label("Free/busy only")).to_be_checked()
