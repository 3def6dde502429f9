"""The Outlook page in Chromium: create, move and cancel a meeting with a room.

Located by role and label, so the test doubles as an accessibility check.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import CHROMIUM
from tests.emulator.core_directory import core_app
from tests.servers import serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def outlook_page() -> Iterator[Page]:
    with (
        serve_in_thread(core_app()) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.goto(f"{url}/_emulator/outlook")
        try:
            yield page
        finally:
            browser.close()


def test_meeting_with_a_room_is_created_moved_and_cancelled(outlook_page: Page):
    page = outlook_page
    # given
    page.get_by_label("Subject").fill("Browser meeting")
    page.get_by_label("Room").select_option(label="Room 1 · 8 seats")

    # when
    page.get_by_role("button", name="Create meeting").click()

    # then
    meeting = page.locator(".meeting", has_text="Browser meeting")
    expect(meeting).to_contain_text("Room 1: accepted", timeout=5000)

    # when
    page.get_by_role("button", name="Move Browser meeting").click()
    page.locator("#move-start").fill("13:00")
    page.locator("#move-end").fill("14:00")
    page.get_by_role("button", name="Save new time").click()

    # then
    expect(page.get_by_role("status")).to_contain_text("Moved")

    # when
    page.get_by_role("button", name="Cancel meeting Browser meeting").click()

    # then
    expect(page.get_by_role("status")).to_contain_text("Cancelled")
    expect(page.locator(".meeting")).to_have_count(0)


def test_a_rooms_own_calendar_shows_the_meetings_booked_with_it(outlook_page: Page):
    page = outlook_page
    # given a meeting booked with Room 1 from a person's calendar
    page.get_by_label("Subject").fill("Seen from the room")
    page.get_by_label("Room").select_option(label="Room 1 · 8 seats")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.locator(".meeting", has_text="Seen from the room")).to_contain_text(
        "Room 1: accepted", timeout=5000
    )

    # when the room's own calendar is picked
    room = page.locator("#mailbox option", has_text="Room 1 (")
    page.get_by_label("Mailbox").select_option(value=room.get_attribute("value"))

    # then the room's copy of the meeting is in its week, with its organizer
    # (the room's attendant puts the organizer's name in place of the subject,
    # as Exchange does by default)
    organizer = page.get_by_label("Mailbox").locator("option").first.inner_text()
    name = organizer.split(" (")[0]
    copy = page.locator(".meeting", has_text=f"Organizer: {name}")
    expect(copy).to_have_count(1, timeout=5000)
    expect(copy).not_to_contain_text("Seen from the room")
