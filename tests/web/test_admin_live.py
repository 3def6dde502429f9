"""The admin UI keeps up by itself: the sync engine, other admins and displays
change what an open page shows, without a reload. Real Chromium, a real Transom
(sync on) and the Graph emulator; 1280x800 screenshots in test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser_steps import (
    APP,
    ORGANIZER,
    connect,
    connected,
    display_checks_in,
    emulator_control,
    expire_all_secrets,
    other_admin,
    outlook_meeting,
    paired_display,
    room_row,
    sign_in,
    tenant_card,
    wait_until,
)
from tests.web.conftest import AdminUi, screenshot
from transom.emulator import TENANT_DOMAIN, identity

pytestmark = pytest.mark.browser

ROOM = "Foundry Anvil"  # one of the emulator's demo rooms
ROOM_MAILBOX = f"fou-anvil@{TENANT_DOMAIN}"
OTHER_ROOM = "Foundry Forge"
TOKEN_SECONDS = 2
DASH = "\N{EN DASH}"


def tomorrow_at(hour: int, zone: str = "Europe/Copenhagen") -> datetime:
    """Tomorrow at `hour`:00 in the tenant's zone (the demo books 08:00-17:30)."""
    day = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone))


def live(page: Page) -> None:
    """The page's tenantSync subscription is up (changes from now on show)."""
    expect(page.locator("body[data-live=on]")).to_have_count(1)


def test_an_expired_secret_turns_the_open_tenant_page_to_secret_expired(
    ui: Page, admin_ui: AdminUi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: Entra ID issues short-lived tokens, so the sync engine asks for a
    # new one within seconds (in Microsoft 365: within about an hour)
    monkeypatch.setattr(identity, "TOKEN_LIFETIME", TOKEN_SECONDS)
    sign_in(ui, admin_ui)
    expires = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    card = tenant_card(ui)
    connect(ui, expires_on=expires)
    expect(card.locator("[data-status]")).to_have_attribute(
        "data-status", "SECRET_EXPIRING"
    )
    # then: the banner from 30 days before the secret expires
    banner = ui.locator("#banners [data-banner=SECRET_EXPIRY]")
    expect(banner).to_contain_text("expires in 10 days")
    expect(
        banner.get_by_role("link", name="Fix it on the Tenants page")
    ).to_be_visible()
    screenshot(ui, "tenants-secret-expiring-banner")
    with other_admin(admin_ui) as admin:
        admin.import_and_link(admin_ui.tenant_id, ROOM)
    ui.get_by_role("link", name="Rooms").click()
    expect(ui.locator("#banners [data-banner=SECRET_EXPIRY]")).to_be_visible()
    ui.get_by_role("link", name="Tenants", exact=True).click()
    live(ui)
    card.get_by_role("button", name="Sync now").click()
    expect(
        ui.get_by_role("status").filter(has_text="syncing 1 linked room now")
    ).to_be_visible()

    # when: the secret expires in Entra ID, and once the loop's token has run
    # out, someone books the room in Outlook (the loop is notified and reads)
    expire_all_secrets(admin_ui)
    ui.wait_for_timeout((TOKEN_SECONDS + 1.5) * 1000)
    start = tomorrow_at(18)
    outlook_meeting(
        admin_ui,
        room=ROOM_MAILBOX,
        subject="After the secret expired",
        start=start,
        end=start + timedelta(minutes=30),
    )

    # then: the open page shows SECRET_EXPIRED with the renewal hint, unasked
    expect(card.locator("[data-status]")).to_have_attribute(
        "data-status", "SECRET_EXPIRED", timeout=20_000
    )
    expect(card).to_contain_text("Certificates & secrets")
    expect(card).to_contain_text("7000222")
    expect(ui.locator("#banners [data-banner=SECRET_EXPIRED]")).to_contain_text(
        "syncing has stopped"
    )
    screenshot(ui, "tenants-secret-expired-live")


def test_another_admins_changes_appear_on_the_open_rooms_page(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        room_id = admin.import_and_link(admin_ui.tenant_id, ROOM)
        forge = admin.room_ids()[OTHER_ROOM]
        ui.get_by_role("link", name="Rooms").click()
        expect(room_row(ui, OTHER_ROOM)).to_contain_text("Not linked")
        live(ui)
        forge_button = room_row(ui, OTHER_ROOM).get_by_role(
            "button", name=f"Edit {OTHER_ROOM}"
        )
        forge_button.focus()

        # when: the other admin renames one room and links another
        admin.data(
            'mutation ($id: ID!) { updateRoom(id: $id, input: {name: "Anvil (2nd floor)"'
            ", capacity: 9}) { room { id } } }",
            id=room_id,
        )
        mailbox = admin.data("query ($id: ID!) { room(id: $id) { mailbox } }", id=forge)
        admin.data(
            "mutation ($id: ID!, $email: String!) { linkRoomMailbox(roomId: $id, "
            "email: $email) { room { linkState } } }",
            id=forge,
            email=mailbox["room"]["mailbox"],
        )

    # then: both show without a reload
    renamed = room_row(ui, "Anvil (2nd floor)")
    expect(renamed).to_be_visible()
    expect(renamed.locator("td.numeric")).to_have_text("9")
    expect(room_row(ui, OTHER_ROOM).locator("[data-link-state]")).to_have_attribute(
        "data-link-state", "VERIFIED"
    )
    expect(room_row(ui, ROOM)).to_have_count(0)
    # a keyboard user's focus survives the redraws
    expect(forge_button).to_be_focused()
    screenshot(ui, "rooms-live")


def test_unlinking_says_what_it_removes_then_removes_it(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given: a linked room in sync
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        admin.import_and_link(admin_ui.tenant_id, ROOM)
    ui.get_by_role("link", name="Rooms").click()
    row = room_row(ui, ROOM)
    expect(row.locator("[data-sync-status]")).to_have_attribute(
        "data-sync-status", "IN_SYNC", timeout=30_000
    )
    row.get_by_role("button", name=f"Edit {ROOM}").click()
    editor = ui.get_by_role("dialog", name=f"Edit {ROOM}")

    # when
    editor.get_by_role("button", name="Unlink…").click()

    # then: the confirmation names the room and what goes
    confirm = ui.get_by_role("dialog", name="Unlink this mailbox?")
    expect(confirm).to_contain_text(ROOM)
    expect(confirm).to_contain_text(
        re.compile(r"removes the \d+ booking\(s\) that came from Exchange")
    )
    expect(confirm).to_contain_text("Nothing is deleted in Exchange")
    expect(confirm).not_to_contain_text("confirm: true")
    expect(confirm.get_by_role("button", name="Keep it linked")).to_be_focused()
    screenshot(ui, "rooms-unlink-confirm")

    # when: the admin keeps it, then unlinks after all
    ui.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(editor.locator("#room-link-state")).to_have_attribute(
        "data-link-state", "VERIFIED"
    )
    editor.get_by_role("button", name="Unlink…").click()
    confirm.get_by_role("button", name="Unlink", exact=True).click()

    # then
    expect(editor.locator("#room-link-state")).to_have_attribute(
        "data-link-state", "UNLINKED"
    )
    expect(ui.get_by_role("status").filter(has_text="Unlinked")).to_be_visible()
    editor.get_by_role("button", name="Close").click()
    expect(row.locator("[data-link-state]")).to_have_attribute(
        "data-link-state", "UNLINKED"
    )


@pytest.mark.parametrize("browser_time_zone", ["America/Los_Angeles"])
def test_resync_brings_a_meeting_outlook_never_announced_at_the_tenants_time(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given: a linked room in sync; Graph's notifications get lost from now on
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        room_id = admin.import_and_link(admin_ui.tenant_id, ROOM)
    ui.get_by_role("link", name="Rooms").click()
    row = room_row(ui, ROOM)
    expect(row.locator("[data-sync-status]")).to_have_attribute(
        "data-sync-status", "IN_SYNC", timeout=30_000
    )
    emulator_control(admin_ui, "POST", "/notifications/drop", {"share": 1.0})
    start = tomorrow_at(18)  # 18:00 in Copenhagen is 09:00 in the browser's zone
    outlook_meeting(
        admin_ui,
        room=ROOM_MAILBOX,
        subject="Lost notification",
        start=start,
        end=start + timedelta(minutes=30),
    )
    ui.get_by_label("Day").fill(start.date().isoformat())
    ui.get_by_label("Day").dispatch_event("change")
    expect(ui.locator("#day-zone")).to_contain_text("Europe/Copenhagen")
    ui.wait_for_timeout(500)
    expect(row.locator(".booking", has_text="Lost notification")).to_have_count(0)
    with other_admin(admin_ui) as admin:
        synced_before = admin.room_sync(room_id)["lastSyncedAt"]

    # when
    row.get_by_role("button", name=f"Edit {ROOM}").click()
    editor = ui.get_by_role("dialog", name=f"Edit {ROOM}")
    editor.get_by_role("button", name="Resync now").click()

    # then: it arrives without a reload, at 18:00-18:30 on the tenant's clock,
    # 11/12 of the way along the 07:00-19:00 day
    expect(editor.locator("#room-sync-state")).not_to_have_attribute(
        "data-last-synced-at", synced_before or ""
    )
    editor.get_by_role("button", name="Close").click()
    meeting = row.locator(".booking", has_text="Lost notification")
    expect(meeting).to_have_attribute("data-times", f"18:00{DASH}18:30")
    left = meeting.evaluate("node => node.style.left")
    assert left.startswith("91.66"), left
    listed = row.locator(".day-list li", has_text=f"18:00{DASH}18:30 Lost notification")
    expect(listed).to_be_visible()
    # the meeting's name is readable whole, not cut to a few letters
    assert listed.evaluate("li => li.scrollWidth <= li.clientWidth + 1")
    screenshot(ui, "rooms-timeline")


def test_a_display_shows_online_then_is_renamed_and_revoked(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given: a display paired to the room has checked in
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        admin.import_and_link(admin_ui.tenant_id, ROOM)
    pairing = paired_display(admin_ui)
    ui.get_by_role("link", name="Displays").click()
    ui.get_by_label("Pairing code").fill(pairing["code"])
    room_select = ui.get_by_label("Room", exact=True)
    option = room_select.locator("option", has_text=ROOM).first
    room_select.select_option(option.get_attribute("value"))
    ui.get_by_role("button", name="Pair display").click()
    row = ui.get_by_role("row").filter(has_text=ROOM)
    expect(row).to_contain_text("Offline, never seen")

    # when the display checks in for the first time
    assert "errors" not in display_checks_in(admin_ui, pairing["secret"])

    # then the open page shows it online at once (pushed, no reload, well
    # before the page's 30 s refresh)
    expect(row.locator("[data-online]")).to_have_text(
        re.compile(r"^Online, last seen"), timeout=5000
    )
    screenshot(ui, "displays-online")

    # when: an empty name, then a good one
    name = row.get_by_role("textbox")
    name.fill(" ")
    row.get_by_role("button", name="Rename").click()

    # then: the error is beside the field
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(row.locator(".field-error")).to_have_text("Give the display a name.")

    # when
    name.fill("Anvil door")
    row.get_by_role("button", name="Rename").click()

    # then
    expect(
        ui.get_by_role("status").filter(has_text="Renamed to Anvil door")
    ).to_be_visible()
    expect(row.get_by_role("button", name="Revoke Anvil door")).to_be_visible()

    # when
    row.get_by_role("button", name="Revoke Anvil door").click()
    confirm = ui.get_by_role("dialog", name="Revoke this display?")
    expect(confirm).to_contain_text(f"stops showing {ROOM} at once")
    screenshot(ui, "displays-revoke-confirm")
    confirm.get_by_role("button", name="Revoke", exact=True).click()

    # then
    expect(row.locator("[data-online]")).to_have_text(
        re.compile(r"^Revoked, last seen")
    )
    refused = display_checks_in(admin_ui, pairing["secret"])
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    screenshot(ui, "displays")


BOOK = """
mutation ($room: ID!, $start: DateTime!, $end: DateTime!, $subject: String!) {
  bookRoom(input: {roomId: $room, start: $start, end: $end, subject: $subject}) {
    booking { id } userErrors { message code }
  }
}
"""
FAILED = "{ outboxItems(status: FAILED) { nodes { id } } }"


def test_a_refused_write_is_dropped_or_retried_from_the_sync_log(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given: Exchange refuses the room (an application access policy leaves it
    # out), and two bookings made in Transom fail to reach it
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        room_id = admin.import_and_link(admin_ui.tenant_id, ROOM)
        emulator_control(
            admin_ui, "PUT", f"{APP}/access-policy", {"mailboxes": [ORGANIZER]}
        )
        for hour, subject in ((18, "Kept"), (19, "Given up")):
            start = tomorrow_at(hour)
            admin.data(
                BOOK,
                room=room_id,
                start=start.isoformat(),
                end=(start + timedelta(minutes=30)).isoformat(),
                subject=subject,
            )
        wait_until(lambda: len(admin.data(FAILED)["outboxItems"]["nodes"]) == 2)

    # when
    ui.get_by_role("link", name="Sync log").click()

    # then: both show with Graph's code and how to fix it
    rows = ui.locator("#outbox tr[data-status=FAILED]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("ErrorAccessDenied")
    expect(rows.first).to_contain_text("How to fix it:")
    screenshot(ui, "sync-log-failed-writes")

    # when: one is dropped
    rows.first.get_by_role("button", name=re.compile("^Drop")).click()
    confirm = ui.get_by_role("dialog", name="Drop this write?")
    expect(confirm).to_contain_text("marks the booking declined")
    screenshot(ui, "sync-log-drop-confirm")
    confirm.get_by_role("button", name="Drop it").click()

    # then
    expect(rows).to_have_count(1)

    # when: the policy is fixed and the other is retried
    emulator_control(admin_ui, "DELETE", f"{APP}/access-policy")
    rows.first.get_by_role("button", name=re.compile("^Retry")).click()

    # then
    expect(ui.get_by_role("status").filter(has_text="Retrying")).to_be_visible()
    expect(rows).to_have_count(0)
    expect(ui.get_by_text("No failed or waiting writes.")).to_be_visible()
