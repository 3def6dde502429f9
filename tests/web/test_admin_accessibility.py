"""Accessibility and hygiene basics of the admin UI, in real Chromium: every
field has a label, focus is visible, dialogs work from the keyboard, narrow
screens do not scroll sideways, and no page loads anything from elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.web.browser_steps import connected, other_admin, room_row
from tests.web.conftest import AdminUi, screenshot

WEB = Path(__file__).parents[2] / "web"
PAGES = [
    "Tenants",
    "Rooms",
    "Displays",
    "People",
    "Absences",
    "Sync log",
    "Analytics",
    "Settings",
    "API tokens",
    "Audit log",
    "Availability rules",
    "Absence policy",
    "Admins",
]
ROOM = "Foundry Anvil"

UNLABELLED = """() => [...document.querySelectorAll(
  "input:not([type=hidden]), select, textarea, button")]
  .filter((node) => node.offsetParent !== null)
  .filter((node) => !(node.labels && node.labels.length)
    && !node.getAttribute("aria-label") && !node.getAttribute("aria-labelledby")
    && !(node.tagName === "BUTTON" && node.textContent.trim()))
  .map((node) => node.outerHTML.slice(0, 120))"""


def nav(page: Page, name: str) -> None:
    """Open a page and wait until it has loaded and is live."""
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


@pytest.mark.browser
def test_labels_focus_keyboard_dialogs_narrow_screens_and_no_foreign_requests(
    ui: Page, admin_ui: AdminUi
) -> None:
    requests: list[str] = []

    def note(request: Request) -> None:
        requests.append(request.url)

    ui.on("request", note)
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        admin.import_and_link(admin_ui.tenant_id, ROOM)

    # every visible field and button of every page has an accessible name
    for name in PAGES:
        nav(ui, name)
        assert ui.evaluate(UNLABELLED) == [], name

    # the first Tab reaches the skip link, visibly focused
    nav(ui, "Rooms")
    ui.keyboard.press("Tab")
    skip = ui.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("node => getComputedStyle(node).outlineStyle")
    assert outline == "solid"

    # the room editor opens, traps focus and closes from the keyboard
    edit = room_row(ui, ROOM).get_by_role("button", name=f"Edit {ROOM}")
    edit.focus()
    ui.keyboard.press("Enter")
    editor = ui.get_by_role("dialog", name=f"Edit {ROOM}")
    expect(editor).to_be_visible()
    assert editor.evaluate("node => node.contains(document.activeElement)")
    ui.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    expect(
        room_row(ui, ROOM).get_by_role("button", name=f"Edit {ROOM}")
    ).to_be_focused()

    # a narrow screen: the page never scrolls sideways (tables scroll inside)
    ui.set_viewport_size({"width": 390, "height": 844})
    for name in PAGES:
        nav(ui, name)
        wide = ui.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert wide <= 0, f"{name} is {wide}px too wide"
    nav(ui, "Rooms")
    screenshot(ui, "rooms-narrow")

    # nothing came from anywhere but this server
    foreign = [u for u in requests if not u.startswith((admin_ui.url, "data:"))]
    assert foreign == []


def test_no_page_refers_to_another_site() -> None:
    """No CDN: scripts, styles, fonts and images come from /admin/static."""
    files = [p for p in WEB.rglob("*") if p.suffix in (".html", ".js", ".css")]
    assert files
    remote = re.compile(
        r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import"""
    )
    offenders = [str(p) for p in files if remote.search(p.read_text())]
    assert offenders == []
