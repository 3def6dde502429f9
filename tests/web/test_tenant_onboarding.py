"""Adding a tenant from the admin UI, in real Chromium against the emulator: a
superadmin walks the guided flow for a second directory (Fabrikam) whose app
lacks one permission, reaches CONNECTED with the missing permission named,
renews the secret once it expired, and disconnects a tenant (its data gone
from Transom, its meetings still in Exchange). axe-core checks every step."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.graph.test_adapter_faults import self_signed_certificate
from tests.servers import serve_in_thread
from tests.web.admins import make_admin
from tests.web.browser_steps import connect, other_admin, sign_in, wait_until
from tests.web.conftest import AdminUi, screenshot, scroll_to
from tests.web.test_admin_accessibility import UNLABELLED
from tests.web.test_analytics_page import serious_violations
from transom.db.engine import create_engine, create_sessions
from transom.emulator import TENANT_DOMAIN, TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.provisioning import add_app, add_room, add_tenant, add_user

SUPERADMIN = "root@transom.example"
FABRIKAM_DOMAIN = "fabrikam.onmicrosoft.com"
FABRIKAM_ROLES = [  # everything but MailboxSettings.ReadWrite
    "Organization.Read.All",
    "Place.Read.All",
    "User.Read.All",
    "Calendars.ReadWrite",
    "MailboxSettings.Read",
]
CONTOSO_ROOM = "Foundry Anvil"
CONTOSO_ROOM_MAILBOX = f"fou-anvil@{TENANT_DOMAIN}"
ORGANIZER = f"ada.ahmed@{TENANT_DOMAIN}"


class Fabrikam:
    """A second Entra directory in the emulator, with its Transom app."""

    tenant_id = ""
    client_id = ""
    secret = ""


@pytest.fixture
def fabrikam() -> Fabrikam:
    return Fabrikam()


@pytest.fixture
def emulator_url(fabrikam: Fabrikam) -> Iterator[str]:
    app = create_emulator(seed="demo")
    emulator = app.state.emulator
    tenant = add_tenant(emulator, "Fabrikam", FABRIKAM_DOMAIN)
    registration = add_app(emulator, tenant.id, "Transom")
    add_room(emulator, tenant.id, "Fabrikam Boardroom", "boardroom", capacity=10)
    add_user(emulator, tenant.id, "Nina Nilsen", "nina")
    secret = emulator.add_secret(tenant.id, registration.client_id, days=365)
    fabrikam.tenant_id, fabrikam.client_id = tenant.id, registration.client_id
    fabrikam.secret = secret.value
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
def superadmin(admin_ui: AdminUi, database_url: str) -> AdminUi:
    # in a thread of its own: Playwright's sync API may already run a loop here
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _make_superadmin(database_url)).result()
    return AdminUi(admin_ui.url, admin_ui.emulator_url, admin_ui.tenant_id, SUPERADMIN)


async def _make_superadmin(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_sessions(engine)() as session:
            await make_admin(session, None, SUPERADMIN)
    finally:
        await engine.dispose()


def control(ui: AdminUi, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(
        method, f"{ui.emulator_url}/_emulator{path}", json=body, timeout=30
    )
    assert response.status_code < 400, response.text
    return response.json() if response.content else None


def accessible(page: Page, name: str) -> None:
    """axe-core finds nothing serious, and every visible field is labelled."""
    assert serious_violations(page) == [], name
    assert page.evaluate(UNLABELLED) == [], name


@pytest.mark.browser
def test_a_superadmin_adds_a_tenant_step_by_step_and_renews_its_secret(
    ui: Page, superadmin: AdminUi, fabrikam: Fabrikam
) -> None:
    # given: Fabrikam's app was granted everything but MailboxSettings.ReadWrite
    app = f"/tenants/{fabrikam.tenant_id}/apps/{fabrikam.client_id}"
    control(superadmin, "PUT", f"{app}/roles", {"roles": FABRIKAM_ROLES})
    sign_in(ui, superadmin)

    # step 1: name and features
    ui.get_by_role("button", name="Add a tenant").click()
    flow = ui.get_by_role("region", name="Add a tenant")
    expect(
        flow.get_by_role("heading", name="Step 1 of 4: name and features")
    ).to_be_focused()
    flow.get_by_label("Organisation name").fill("Fabrikam")
    flow.get_by_label("Time zone").fill("Europe/Oslo")
    flow.get_by_label("Absences and automatic replies").check()
    accessible(ui, "step 1")
    flow.get_by_role("button", name="Next: Entra ID steps").click()

    # step 2: the Entra steps for exactly those features
    expect(
        flow.get_by_role(
            "heading", name="Step 2 of 4: in the Microsoft Entra admin center"
        )
    ).to_be_visible()
    permissions = flow.locator("#required-permissions tbody th")
    expect(permissions).to_have_text(
        [
            "Organization.Read.All",
            "Place.Read.All",
            "User.Read.All",
            "Calendars.ReadWrite",
            "MailboxSettings.ReadWrite",
        ]
    )
    expect(flow.locator("#access-policy")).to_contain_text(
        "New-ApplicationAccessPolicy"
    )
    accessible(ui, "step 2")
    screenshot(ui, "add-tenant-step-2-entra")
    flow.get_by_role("button", name="Next: enter the app's details").click()

    # step 3: the app's ids and its secret; a bad id is refused beside its field
    flow.get_by_label("Directory (tenant) ID").fill("not a directory!")
    flow.get_by_label("Application (client) ID").fill(fabrikam.client_id)
    flow.get_by_label("Client secret value").fill(fabrikam.secret)
    flow.get_by_label("Secret expires on").fill("2027-11-30")
    flow.get_by_role("button", name="Save and connect").click()
    expect(flow.locator("#new-directory-id-error")).to_contain_text("GUID")
    accessible(ui, "step 3 with an error")
    flow.get_by_label("Directory (tenant) ID").fill(fabrikam.tenant_id)
    flow.get_by_label("Client secret value").fill(fabrikam.secret)
    flow.get_by_role("button", name="Save and connect").click()

    # step 4: CONNECTED, each permission tested, the missing one named with its fix
    expect(flow.get_by_role("heading", name="Step 4 of 4", exact=False)).to_be_visible()
    expect(flow.locator(".connection-summary [data-status]")).to_have_attribute(
        "data-status", "CONNECTED"
    )
    missing = flow.locator("tr[data-permission='MailboxSettings.ReadWrite']")
    expect(missing).to_have_attribute("data-status", "MISSING")
    expect(missing).to_contain_text("MailboxSettings.ReadWrite is not granted")
    expect(missing).to_contain_text("Grant admin consent")
    expect(flow.locator("tr[data-permission='Place.Read.All']")).to_have_attribute(
        "data-status", "GRANTED"
    )
    expect(flow.locator("li[data-feature=ROOMS]")).to_have_attribute(
        "data-works", "true"
    )
    expect(flow.locator("li[data-feature=ABSENCES]")).to_contain_text(
        "needs MailboxSettings.ReadWrite"
    )
    expect(
        flow.get_by_role("link", name="open the admin consent page for this app")
    ).to_have_attribute(
        "href",
        f"{superadmin.emulator_url}/{fabrikam.tenant_id}/adminconsent?client_id={fabrikam.client_id}",
    )
    accessible(ui, "step 4")
    scroll_to(missing)
    screenshot(ui, "add-tenant-step-4-permissions")
    flow.get_by_role("button", name="Finish").click()

    # the new tenant is listed, connected
    card = ui.get_by_role("region", name="Fabrikam")
    expect(card.locator(".connection [data-status]")).to_have_attribute(
        "data-status", "CONNECTED"
    )

    # when: the secret expires in Entra ID and a new one is made there
    control(superadmin, "POST", f"{app}/secrets/all/expire")
    card.get_by_role("button", name="Test connection").click()
    expect(card.locator(".connection [data-status]")).to_have_attribute(
        "data-status", "SECRET_EXPIRED"
    )
    fresh = control(superadmin, "POST", f"{app}/secrets", {"days": 180})
    card.get_by_label("Value of the new secret").fill(fresh["value"])
    card.get_by_label("Expiry date of the new secret").fill("2027-05-31")
    card.get_by_role("button", name="Renew secret").click()

    # then: connected again
    expect(card.locator(".connection [data-status]")).to_have_attribute(
        "data-status", "CONNECTED"
    )
    screenshot(ui, "tenants-secret-renewed")

    # and a certificate uploaded to the app replaces the secret
    key_pem, cert_pem = self_signed_certificate()
    control(
        superadmin, "POST", f"{app}/certificates", {"certificatePem": cert_pem.decode()}
    )
    control(superadmin, "POST", f"{app}/secrets/all/expire")
    upload = card.get_by_label("Certificate with private key (PEM)")
    upload.set_input_files(
        {"name": "transom.pem", "mimeType": "text/plain", "buffer": key_pem + cert_pem}
    )
    expect(card.locator(".credential")).to_have_text(
        "The app signs in with a client secret."
    )
    card.get_by_role("button", name="Upload certificate").click()
    expect(card.locator(".credential")).to_have_text(
        "The app signs in with a certificate."
    )
    expect(card.locator(".connection [data-status]")).to_have_attribute(
        "data-status", "CONNECTED"
    )


@pytest.mark.browser
def test_disconnect_says_what_stops_and_deletes_and_leaves_exchange_alone(
    ui: Page, superadmin: AdminUi
) -> None:
    # given: Contoso connected, a room linked and a meeting booked in Outlook
    sign_in(ui, superadmin)
    card = connect(ui)
    expect(card.locator(".connection [data-status]")).to_have_attribute(
        "data-status", "CONNECTED"
    )
    with other_admin(superadmin) as admin:
        room_id = admin.import_and_link(superadmin.tenant_id, CONTOSO_ROOM)
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
        control(
            superadmin,
            "POST",
            "/outlook/api/events",
            {
                "tenant": TENANT_ID,
                "user": ORGANIZER,
                "subject": "Quarterly review",
                "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat(),
                "room": CONTOSO_ROOM_MAILBOX,
            },
        )
        wait_until(lambda: bool(_bookings(admin, room_id)))
    before = _exchange_events(superadmin, start)
    assert before

    # when
    card.get_by_role("button", name="Disconnect Contoso…").click()
    dialog = ui.get_by_role("dialog", name="Disconnect Contoso?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("What stops: Transom stops syncing")
    expect(dialog).to_contain_text(
        "deletes its Graph change-notification subscriptions"
    )
    expect(dialog).to_contain_text("What is deleted in Transom: Contoso itself and")
    expect(dialog).to_contain_text("14 room(s) with their mailbox links")
    expect(dialog).to_contain_text(re.compile(r"[1-9]\d* booking\(s\)"))
    expect(dialog).to_contain_text("Nothing is deleted in Exchange")
    accessible(ui, "disconnect dialog")
    screenshot(ui, "tenants-disconnect-confirm")
    ui.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(card.get_by_role("button", name="Disconnect Contoso…")).to_be_focused()
    card.get_by_role("button", name="Disconnect Contoso…").click()
    dialog.get_by_role("button", name="Disconnect and delete").click()

    # then: Contoso is gone from Transom, its meeting still in Exchange
    expect(ui.get_by_role("region", name="Contoso")).to_have_count(0)
    expect(ui.get_by_text("No tenants yet")).to_be_visible()
    assert control(superadmin, "GET", "/subscriptions") == {"value": []}
    assert _exchange_events(superadmin, start) == before


def _bookings(admin: Any, room_id: str) -> list[dict[str, Any]]:
    start = datetime.now(UTC)
    room = admin.data(
        "query ($id: ID!, $s: DateTime!, $e: DateTime!) { room(id: $id) { "
        "bookings(start: $s, end: $e) { id } } }",
        id=room_id,
        s=start.isoformat(),
        e=(start + timedelta(days=3)).isoformat(),
    )["room"]
    found: list[dict[str, Any]] = room["bookings"]
    return found


def _exchange_events(ui: AdminUi, start: datetime) -> list[str]:
    found = control(
        ui,
        "GET",
        f"/outlook/api/calendar?tenant={TENANT_ID}&user={CONTOSO_ROOM_MAILBOX}"
        f"&start={(start - timedelta(hours=1)).isoformat().replace('+', '%2B')}"
        f"&end={(start + timedelta(hours=2)).isoformat().replace('+', '%2B')}",
    )
    return sorted(str(item["id"]) for item in found["items"])
