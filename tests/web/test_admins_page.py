"""The Admins page in real Chromium: add an admin (one-time password), make it
a reader (whose UI then cannot edit), reset a password, see and lift a lockout,
and remove an admin whose open page and websocket stop working at once."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.web.admins import PASSWORD, submit_sign_in
from tests.web.browser_steps import serious_violations, sign_in
from tests.web.conftest import OTHER_ADMIN_EMAIL, AdminUi, screenshot

pytestmark = pytest.mark.browser

NEWCOMER = "newcomer@contoso.example"
SIGN_IN_PAGE = re.compile(r"/admin/sign-in")


def open_admins(page: Page) -> None:
    nav = page.get_by_role("navigation")
    nav.get_by_role("link", name="Admins", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Admins")
    expect(page.locator("body[data-live=on]")).to_have_count(1)


def admin_row(page: Page, email: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(re.escape(email)))
    )


def confirm(page: Page, title: str, button: str) -> str:
    """Confirm the open dialog; what it said would happen."""
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    said = dialog.locator("#confirm-what").inner_text()
    dialog.get_by_role("button", name=button, exact=True).click()
    expect(dialog).to_be_hidden()
    return said


def shown_password(page: Page) -> str:
    dialog = page.get_by_role("dialog", name="One-time password")
    expect(dialog).to_be_visible()
    password = dialog.get_by_label("Password").input_value()
    assert len(password) >= 20
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    return password


@contextmanager
def another_browser(ui: Page) -> Iterator[Page]:
    """A second person's browser (its own cookies)."""
    browser = ui.context.browser
    assert browser is not None
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def sign_in_as(page: Page, admin_ui: AdminUi, email: str, password: str) -> None:
    page.goto(f"{admin_ui.url}/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tenants")


def test_an_admin_adds_an_admin_makes_it_a_reader_resets_it_and_lifts_a_lockout(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given the facilities admin on the Admins page
    sign_in(ui, admin_ui)
    open_admins(ui)
    assert serious_violations(ui) == []

    # when they add a newcomer as an admin
    ui.get_by_label("E-mail").fill(NEWCOMER)
    ui.get_by_label("Role", exact=True).select_option("ADMIN")
    ui.get_by_role("button", name="Add admin").click()
    first_password = shown_password(ui)
    # then the newcomer signs in with the one-time password, as an admin
    expect(admin_row(ui, NEWCOMER)).to_contain_text("Never")
    with another_browser(ui) as newcomer:
        sign_in_as(newcomer, admin_ui, NEWCOMER, first_password)
        expect(newcomer.get_by_role("link", name="Admins")).to_be_visible()

        # when the facilities admin makes the newcomer a reader
        row = admin_row(ui, NEWCOMER)
        row.get_by_label(f"Role of {NEWCOMER}", exact=True).select_option("READER")
        row.get_by_role("button", name=f"Change the role of {NEWCOMER}").click()
        said = confirm(ui, f"Make {NEWCOMER} reader?", "Make reader")
        assert "see everything but change nothing" in said
        expect(
            admin_row(ui, NEWCOMER).get_by_label(f"Role of {NEWCOMER}", exact=True)
        ).to_have_value("READER")
        # then the newcomer's UI cannot edit: no Admins page, settings read-only
        newcomer.reload()
        expect(newcomer.get_by_text(f"{NEWCOMER} (reader)")).to_be_visible()
        expect(newcomer.get_by_role("link", name="Admins")).to_have_count(0)
        newcomer.get_by_role("link", name="Settings").click()
        expect(newcomer.get_by_text("You are a reader")).to_be_visible()
        expect(newcomer.get_by_label("Meeting subjects")).to_be_disabled()
        expect(newcomer.get_by_role("button", name="Save settings")).to_be_disabled()
        newcomer.goto(f"{admin_ui.url}/admin/admins")
        expect(newcomer.get_by_role("alert")).to_have_text(
            "Only admins manage accounts: you are signed in as a reader."
        )
        expect(newcomer.get_by_role("button", name="Add admin")).to_be_hidden()
        newcomer.get_by_role("link", name="Settings").click()
        expect(newcomer.locator("body[data-live=on]")).to_have_count(1)

        # when the facilities admin resets the newcomer's password
        admin_row(ui, NEWCOMER).get_by_role(
            "button", name=f"Reset the password of {NEWCOMER}"
        ).click()
        said = confirm(ui, f"Reset the password of {NEWCOMER}?", "Reset password")
        assert "signed out everywhere" in said
        second_password = shown_password(ui)
        # then the newcomer's open page is sent to sign in, where only the new
        # password works
        expect(newcomer).to_have_url(SIGN_IN_PAGE)
        with httpx.Client(base_url=admin_ui.url) as client:
            assert submit_sign_in(client, NEWCOMER, first_password).status_code == 401
        sign_in_as(newcomer, admin_ui, NEWCOMER, second_password)

    # given the reception admin locked out by wrong passwords
    with httpx.Client(base_url=admin_ui.url) as client:
        for _ in range(5):
            submit_sign_in(client, OTHER_ADMIN_EMAIL, "not the password at all")
        assert submit_sign_in(client, OTHER_ADMIN_EMAIL, PASSWORD).status_code == 429
    # when the facilities admin looks again, the lockout shows
    ui.reload()
    expect(ui.locator("body[data-live=on]")).to_have_count(1)
    reception = admin_row(ui, OTHER_ADMIN_EMAIL)
    expect(reception).to_contain_text("Locked until")
    expect(reception).to_contain_text("5 wrong passwords")
    screenshot(ui, "admins")
    # and lifting it lets reception sign in again
    reception.get_by_role("button", name=f"Unlock {OTHER_ADMIN_EMAIL}").click()
    dialog = ui.get_by_role("dialog", name=f"Unlock {OTHER_ADMIN_EMAIL}?")
    expect(dialog).to_be_visible()
    assert serious_violations(ui) == []
    said = confirm(ui, f"Unlock {OTHER_ADMIN_EMAIL}?", "Unlock")
    assert "sign in with their password again" in said
    expect(admin_row(ui, OTHER_ADMIN_EMAIL)).to_contain_text("Can sign in")
    with httpx.Client(base_url=admin_ui.url) as client:
        assert submit_sign_in(client, OTHER_ADMIN_EMAIL, PASSWORD).status_code == 303


def test_a_removed_admins_open_page_and_websocket_stop_working(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given reception's Displays page open and live in its own browser
    sign_in(ui, admin_ui)
    open_admins(ui)
    with another_browser(ui) as reception:
        sockets: list[WebSocket] = []
        reception.on("websocket", lambda ws: sockets.append(ws))
        sign_in_as(reception, admin_ui, OTHER_ADMIN_EMAIL, PASSWORD)
        reception.get_by_role("link", name="Displays").click()
        expect(reception.locator("body[data-live=on]")).to_have_count(1)
        live = sockets[-1:]  # the Displays page's (the Tenants page's went with it)
        assert live
        assert not live[0].is_closed()
        # when the facilities admin removes reception
        admin_row(ui, OTHER_ADMIN_EMAIL).get_by_role(
            "button", name=f"Remove {OTHER_ADMIN_EMAIL}"
        ).click()
        closed: list[WebSocket] = []
        live[0].on("close", lambda ws: closed.append(ws))
        said = confirm(ui, f"Remove {OTHER_ADMIN_EMAIL}?", "Remove")
        # then its socket closes at once, and its page is sent to sign in. (The
        # server closes it within a second: test_admin_management_api.py and
        # test_admin_changes_across_processes.py bound that at the socket; here
        # Chromium's event reaches Playwright too, so a loaded machine gets 2 s.
        # The page may also learn it first from a refetch answered
        # UNAUTHENTICATED and leave for the sign-in page, which ends its socket
        # with it: Playwright then reports no "close" for that socket.)
        deadline = time.monotonic() + 2
        while not (closed or live[0].is_closed() or SIGN_IN_PAGE.search(reception.url)):
            assert time.monotonic() < deadline, "the removed admin's socket stayed open"
            reception.wait_for_timeout(50)  # Playwright delivers events meanwhile
        assert "signed out everywhere at once" in said
        expect(reception).to_have_url(SIGN_IN_PAGE)
        expect(admin_row(ui, OTHER_ADMIN_EMAIL)).to_have_count(0)
        # and it cannot sign in again
        with httpx.Client(base_url=admin_ui.url) as client:
            response = submit_sign_in(client, OTHER_ADMIN_EMAIL, PASSWORD)
            assert response.status_code == 401
