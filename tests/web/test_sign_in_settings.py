"""Sign in with Microsoft turned on from the Settings page, in Chromium: the
admin names the domain and maps a group to admin; a member of that group then
signs in with Microsoft (the emulator's Entra page) and sees only the tenant, a
person matching no rule is refused."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.browser_steps import connected, serious_violations
from tests.web.conftest import AdminUi, screenshot
from tests.web.sso_setup import ADA, CHLOE, SIGN_IN_SETTINGS
from transom.admin_auth.entra_sign_in import CALLBACK_PATH
from transom.emulator import TENANT_DOMAIN
from transom.emulator.seeds import FACILITIES_GROUP_ID

pytestmark = pytest.mark.browser


def microsoft_sign_in(page: Page, ui: AdminUi, email: str, login: str) -> None:
    page.goto(f"{ui.url}/admin/sign-in")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_role("button", name="Sign in with Microsoft").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    page.get_by_label("Or type a user name").fill(login)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_sign_in_with_microsoft_is_set_up_from_the_settings_page(
    ui: Page, admin_ui: AdminUi
) -> None:
    # given a connected tenant
    connected(ui, admin_ui)
    ui.get_by_role("navigation").get_by_role("link", name="Settings").click()
    card = ui.locator("#sign-in-form")

    # when the admin turns it on for the domain, Facilities as admins
    card.get_by_label("Sign in with Microsoft is on").check()
    card.get_by_label("E-mail domains").fill(f"Bad domain!, {TENANT_DOMAIN}")
    card.get_by_role("button", name="Add a rule").click()
    card.get_by_label("Rule 1 value").fill(FACILITIES_GROUP_ID)
    card.get_by_label("Rule 1 role").select_option("ADMIN")
    card.get_by_role("button", name="Save sign-in").click()
    # then a bad domain is refused beside its field, nothing saved
    domains = card.get_by_label("E-mail domains")
    expect(domains).to_have_attribute("aria-invalid", "true")
    # when corrected
    domains.fill(TENANT_DOMAIN)
    card.get_by_role("button", name="Save sign-in").click()
    # then it is saved, with the redirect URI to register in Entra
    expect(
        ui.get_by_role("status").filter(has_text="is on with 1 rule")
    ).to_be_visible()
    redirect = f"{admin_ui.url}{CALLBACK_PATH}"
    expect(card).to_contain_text(redirect)
    screenshot(ui, "settings-sign-in")
    assert serious_violations(ui) == []

    # given the redirect URI registered in the tenant's Entra app
    registered = httpx.patch(
        admin_ui.emulator_url + SIGN_IN_SETTINGS, json={"redirectUris": [redirect]}
    )
    assert registered.status_code == 200, registered.text

    with ui.context.browser.new_context() as other:  # type: ignore[union-attr]
        page = other.new_page()
        page.set_default_timeout(15_000)
        # when a Facilities member signs in with Microsoft
        microsoft_sign_in(page, admin_ui, ADA, ADA)
        # then they are an admin of the tenant
        expect(page.get_by_role("region", name="Contoso")).to_be_visible()
        expect(page.locator(".who")).to_contain_text(ADA)
        assert page.url == f"{admin_ui.url}/admin/"
        # when someone in no mapped group tries (the admin page left first: a
        # signed-out page goes to the sign-in page by itself, racing our goto)
        page.goto("about:blank")
        page.context.clear_cookies()
        microsoft_sign_in(page, admin_ui, CHLOE, CHLOE)
        # then they are refused with a clear page
        expect(
            page.get_by_role("heading", name="You have no role in Transom")
        ).to_be_visible()

    # when the admin turns it off again
    card.get_by_label("Sign in with Microsoft is on").uncheck()
    card.get_by_role("button", name="Save sign-in").click()
    expect(ui.get_by_role("status").filter(has_text="is off")).to_be_visible()
    ui.reload()
    expect(card.get_by_label("Sign in with Microsoft is on")).not_to_be_checked()
