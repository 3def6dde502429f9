"""The Audit log page in real Chromium against a real Transom (sync on) and the
Graph emulator: an admin links a room mailbox and changes a setting, a no-show
release happens, and the page lists all three with who and when; the filter
narrows it, the CSV export holds them, axe-core finds nothing serious.

Transom runs on a clock that is real time shifted by a settable amount, so
"six minutes after the meeting started" is a line of the test, not a wait.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.servers import free_port, serve_in_thread
from tests.web.browser_steps import (
    connected,
    other_admin,
    outlook_meeting,
    room_row,
    serious_violations,
    wait_until,
)
from tests.web.conftest import AdminUi, _tenant_with_admin, screenshot
from transom.app import create_app
from transom.settings import Settings

pytestmark = pytest.mark.browser

ROOM = "Foundry Anvil"  # one of the emulator's demo rooms
ADMIN = "facilities@contoso.example"
AUTOMATIC = "Transom (automatic)"
BOOKINGS = """
query ($id: ID!, $start: DateTime!, $end: DateTime!) {
  room(id: $id) { mailbox bookings(start: $start, end: $end) { subject state } }
}
"""
LOG = "query { auditLog { nodes { action actor } } }"


class ShiftedClock:
    """Real time moved by a settable amount."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def set(self, moment: datetime) -> None:
        self.shift = moment - datetime.now(UTC)


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def admin_ui(
    database_url: str, tmp_path: Path, emulator_url: str, clock: ShiftedClock
) -> Iterator[AdminUi]:
    """The web tests' Transom, on the shifted clock."""
    port = free_port()
    settings = Settings.from_env(
        {
            "TRANSOM_DATA_DIR": str(tmp_path / "data"),
            "TRANSOM_DATABASE_URL": database_url,
            "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "TRANSOM_RUN_SYNC": "true",
            "TRANSOM_GRAPH_URL": emulator_url,
            "TRANSOM_AUTHORITY_URL": emulator_url,
            "TRANSOM_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
    )
    tenant_id = asyncio.run(_tenant_with_admin(settings))
    with serve_in_thread(create_app(settings, clock=clock), port=port) as url:
        yield AdminUi(url, emulator_url, tenant_id)


def link_in_the_browser(ui: Page) -> None:
    ui.get_by_role("link", name="Rooms").click()
    ui.get_by_role("button", name="Import rooms from Microsoft 365").click()
    row = room_row(ui, ROOM)
    row.get_by_role("button", name=f"Edit {ROOM}").click()
    dialog = ui.get_by_role("dialog", name=f"Edit {ROOM}")
    dialog.get_by_role("button", name="Link and verify").click()
    expect(dialog.locator("#room-link-state")).to_have_attribute(
        "data-link-state", "VERIFIED"
    )
    dialog.get_by_role("button", name="Close").click()


def require_check_in_in_the_browser(ui: Page) -> None:
    ui.get_by_role("link", name="Settings").click()
    expect(ui.get_by_role("button", name="Save settings")).to_be_enabled()
    ui.get_by_label("Require check-in at the door display").check()
    ui.get_by_label("Release a room after (5 to 60 minutes without check-in)").fill("5")
    ui.get_by_role("button", name="Save settings").click()
    expect(ui.get_by_role("status").filter(has_text="Saved")).to_be_visible()


def rows_of(ui: Page) -> list[list[str]]:
    table = ui.locator("#audit-entries table")
    return [
        [c.strip() for c in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def test_the_audit_log_shows_an_admins_changes_and_a_no_show_release(
    ui: Page, admin_ui: AdminUi, clock: ShiftedClock
) -> None:
    # given an admin who connects the tenant, links a room's mailbox and
    # requires check-in, all in the browser
    connected(ui, admin_ui)
    link_in_the_browser(ui)
    require_check_in_in_the_browser(ui)
    # and a meeting booked in Outlook that starts in two minutes
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
    with other_admin(admin_ui) as admin:
        room_id = admin.room_ids()[ROOM]
        window = {
            "id": room_id,
            "start": (start - timedelta(hours=1)).isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
        }
        mailbox = admin.data(BOOKINGS, **window)["room"]["mailbox"]
        outlook_meeting(
            admin_ui,
            room=mailbox,
            subject="Budget review",
            start=start,
            end=start + timedelta(hours=1),
        )

        def booking_states() -> list[Any]:
            found = admin.data(BOOKINGS, **window)["room"]["bookings"]
            return [b["state"] for b in found if b["subject"] == "Budget review"]

        wait_until(lambda: booking_states() == ["CONFIRMED"], 30)
        # when six minutes after its start nobody has checked in
        clock.set(start + timedelta(minutes=6))
        # then Transom releases it and declines it in Exchange by itself
        wait_until(
            lambda: (
                "noShowRelease"
                in [e["action"] for e in admin.data(LOG)["auditLog"]["nodes"]]
            ),
            40,
        )

    # when the admin opens the Audit log
    ui.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Audit log", exact=True
    ).click()
    expect(ui.get_by_role("heading", level=1)).to_have_text("Audit log")
    release = ui.get_by_role("row").filter(
        has=ui.get_by_role("rowheader", name="noShowRelease")
    )
    expect(release).to_be_visible()
    # then all three changes are listed with who made them and when
    rows = {row[2]: row for row in rows_of(ui)}
    assert {"linkRoomMailbox", "updateTenantSettings", "noShowRelease"} <= set(rows)
    assert rows["linkRoomMailbox"][1].startswith(ADMIN)
    assert rows["updateTenantSettings"][1].startswith(ADMIN)
    assert rows["noShowRelease"][1].startswith(AUTOMATIC)
    assert ROOM in rows["linkRoomMailbox"][3]
    assert ROOM in rows["noShowRelease"][3]
    assert "linkState" in rows["linkRoomMailbox"][4]
    assert "VERIFIED" in rows["linkRoomMailbox"][4]
    assert "checkInRequired" in rows["updateTenantSettings"][4]
    for row in rows.values():
        assert row[0]  # when, e.g. "4 Dec 2026, 15:02"
    released_at = release.locator("time").get_attribute("datetime") or ""
    assert datetime.fromisoformat(released_at) >= start + timedelta(minutes=5)
    assert serious_violations(ui) == []
    screenshot(ui, "admin-audit-log")

    # when the list is filtered by who
    ui.get_by_label("Who").fill("facilities")
    ui.get_by_role("button", name="Filter").click()
    # then Transom's own change is left out
    expect(release).to_have_count(0)
    actions = [row[2] for row in rows_of(ui)]
    assert "linkRoomMailbox" in actions
    assert "noShowRelease" not in actions

    # when filtered by action instead
    ui.get_by_label("Who").fill("")
    ui.get_by_label("Action").fill("noShowRelease")
    ui.get_by_role("button", name="Filter").click()
    expect(ui.get_by_role("rowheader", name="linkRoomMailbox")).to_have_count(0)
    assert [row[2] for row in rows_of(ui)] == ["noShowRelease"]

    # when the whole log is exported
    ui.get_by_label("Action").fill("")
    ui.get_by_role("button", name="Filter").click()
    expect(ui.get_by_role("rowheader", name="linkRoomMailbox")).to_be_visible()
    with ui.expect_download() as info:
        ui.get_by_role("link", name="Export CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    # then the CSV holds the three changes with who made them
    exported = {(r["Action"], r["Actor"]) for r in csv.DictReader(io.StringIO(text))}
    assert ("linkRoomMailbox", ADMIN) in exported
    assert ("updateTenantSettings", ADMIN) in exported
    assert ("noShowRelease", AUTOMATIC) in exported
