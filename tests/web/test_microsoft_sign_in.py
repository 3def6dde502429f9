"""Sign in with Microsoft, in real Chromium, through the emulator's Entra sign-in page.

Contoso (connected to the emulator's directory) maps the Facilities group to
admin; Fabrikam is another tenant. Ada (in Facilities) signs in and sees only
Contoso; Chloe (in no mapped group) gets the refusal page; a user the app is
not assigned to gets Entra's AADSTS50105 explained. axe-core checks the pages.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.conftest import screenshot
from tests.web.sso_setup import ADA, CHLOE, SIGN_IN_SETTINGS, SsoUi, sso_ui

__all__ = ["sso_ui"]
pytestmark = pytest.mark.browser


@pytest.fixture
def page(sso_ui: SsoUi) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        found = context.new_page()
        found.set_default_timeout(15_000)
        try:
            yield found
        finally:
            browser.close()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def sign_in_with_microsoft(page: Page, ui: SsoUi, email: str) -> None:
    page.goto(f"{ui.url}/admin/sign-in")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_role("button", name="Sign in with Microsoft").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert page.url.startswith(ui.emulator_url)


def test_an_admin_signs_in_with_microsoft_and_sees_only_their_tenant(
    page: Page, sso_ui: SsoUi
) -> None:
    # given
    page.goto(f"{sso_ui.url}/admin/sign-in")
    assert serious_violations(page) == []
    sign_in_with_microsoft(page, sso_ui, ADA)
    assert page.get_by_label("Or type a user name").input_value() == ADA
    assert serious_violations(page) == []
    screenshot(page, "microsoft-sign-in-emulator")
    # when
    page.get_by_role("button", name="Sign in", exact=True).click()
    # then
    expect(page.get_by_role("region", name="Contoso")).to_be_visible()
    expect(page.get_by_role("region", name="Fabrikam")).to_have_count(0)
    assert page.url == f"{sso_ui.url}/admin/"
    screenshot(page, "microsoft-signed-in-admin")


def test_a_person_without_a_role_is_refused_with_a_clear_page(
    page: Page, sso_ui: SsoUi
) -> None:
    # given
    sign_in_with_microsoft(page, sso_ui, ADA)
    page.get_by_label(f"Chloe Kowalski ({CHLOE})").check()
    page.get_by_label("Or type a user name").fill("")
    # when
    page.get_by_role("button", name="Sign in", exact=True).click()
    # then
    expect(
        page.get_by_role("heading", name="You have no role in Transom")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(CHLOE)
    assert serious_violations(page) == []
    screenshot(page, "microsoft-sign-in-refused")
    page.goto(f"{sso_ui.url}/admin/")
    expect(page.get_by_label("Password")).to_be_visible()


def test_entra_refusing_an_unassigned_user_is_explained(
    page: Page, sso_ui: SsoUi
) -> None:
    # given
    httpx.patch(
        sso_ui.emulator_url + SIGN_IN_SETTINGS,
        json={"assignmentRequired": True, "assignments": {}},
    ).raise_for_status()
    sign_in_with_microsoft(page, sso_ui, ADA)
    # when
    page.get_by_role("button", name="Sign in", exact=True).click()
    # then
    expect(
        page.get_by_role("heading", name="Microsoft did not sign you in")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("assign you")
    expect(page.get_by_text("AADSTS50105")).to_be_attached()


def test_an_unknown_domain_stays_on_the_sign_in_page(page: Page, sso_ui: SsoUi) -> None:
    # when
    page.goto(f"{sso_ui.url}/admin/sign-in")
    page.get_by_label("Work e-mail").fill("someone@elsewhere.example")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    # then
    expect(page.get_by_role("alert")).to_contain_text(
        "not set up for elsewhere.example"
    )
    assert page.url.startswith(sso_ui.url)
