"""Onboarding a tenant over the API, against the emulator: features, the
permission-by-permission test, a renewed secret, a certificate, and
disconnecting (Transom's data gone, Exchange untouched)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.emulator.graph_clients import graph_client
from tests.factories import make_token
from tests.graph.test_adapter_faults import self_signed_certificate
from tests.sync.harness import Api, address, control, eventually
from tests.sync.outlook import book
from tests.sync.test_outlook_notifications import ADELE, AURORA, tomorrow
from transom.db import models
from transom.domain.access import Role
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID

pytestmark = pytest.mark.anyio

APP = f"/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
CREATE = """mutation($input: CreateTenantInput!) { createTenant(input: $input) {
  tenant { id name features entraSetup { requiredPermissions { permission features }
  adminConsentUrl accessPolicyPowerShell } } userErrors { field message code } } }"""
FEATURES = """mutation($id: ID!, $features: [TenantFeature!]!) {
  setTenantFeatures(tenantId: $id, features: $features) {
  tenant { features entraSetup { requiredPermissions { permission } adminConsentUrl
  accessPolicyPowerShell } } userErrors { field message code } } }"""
PERMISSIONS = """mutation($id: ID!) { testTenantPermissions(tenantId: $id) {
  permissions { permission features status granted message hint }
  features { feature works lackingPermissions } userErrors { field message code } } }"""
RENEW = """mutation($id: ID!, $secret: String!, $expires: DateTime) {
  renewTenantSecret(tenantId: $id, clientSecret: $secret, secretExpiresAt: $expires) {
  connectionTest { status code tenant { secretExpiresAt usesCertificate } }
  userErrors { field message code } } }"""
CERTIFICATE = """mutation($id: ID!, $pem: String!) {
  uploadTenantCertificate(tenantId: $id, certificatePem: $pem) {
  connectionTest { status tenant { usesCertificate } } userErrors { field message code } } }"""
DISCONNECT = """mutation($id: ID!, $confirm: Boolean!) {
  disconnectTenant(tenantId: $id, confirm: $confirm) { disconnectedTenantId
  deleted { rooms bookings people absences displays } subscriptionsDeleted
  subscriptionsLeft userErrors { field message code } } }"""
CONNECT = """mutation($input: ConnectTenantInput!) { connectTenant(input: $input) {
  connectionTest { status } userErrors { field message code } } }"""


def refused(body: dict, name: str) -> list[dict]:
    assert "errors" not in body, body
    errors: list[dict] = body["data"][name]["userErrors"]
    return errors


async def superadmin(api: Api, session) -> Api:
    return Api(api.base_url, await make_token(session, None, Role.SUPERADMIN), "")


async def test_a_new_tenant_gets_the_least_privilege_permissions_of_its_features(
    api, session
):
    admin = await superadmin(api, session)

    data = await admin.data(
        CREATE,
        input={"name": "Fabrikam", "features": ["ROOMS", "ABSENCES", "AVAILABILITY"]},
    )

    tenant = data["createTenant"]["tenant"]
    assert tenant["features"] == ["ROOMS", "ABSENCES", "AVAILABILITY"]
    setup = tenant["entraSetup"]
    names = [p["permission"] for p in setup["requiredPermissions"]]
    # ReadWrite covers Read: neither MailboxSettings.Read nor Calendars.Read is asked
    assert names == [
        "Organization.Read.All",
        "Place.Read.All",
        "User.Read.All",
        "Calendars.ReadWrite",
        "MailboxSettings.ReadWrite",
    ]
    assert setup["adminConsentUrl"] is None  # no app saved yet
    assert (
        "New-ApplicationAccessPolicy -AppId <client id>"
        in (setup["accessPolicyPowerShell"])
    )


async def test_choosing_no_feature_is_refused_beside_the_field(api):
    body = await api.post(FEATURES, id=api.tenant_id, features=[])

    errors = refused(body, "setTenantFeatures")
    assert errors[0]["code"] == "BAD_USER_INPUT"
    assert errors[0]["field"] == ["features"]


async def test_every_permission_granted_means_every_feature_works(api):
    await api.data(FEATURES, id=api.tenant_id, features=["ROOMS", "ABSENCES"])
    await api.connect()

    data = await api.data(PERMISSIONS, id=api.tenant_id)

    checks = data["testTenantPermissions"]["permissions"]
    assert {c["permission"]: c["status"] for c in checks} == {
        "Organization.Read.All": "GRANTED",
        "Place.Read.All": "GRANTED",
        "User.Read.All": "GRANTED",
        "Calendars.ReadWrite": "GRANTED",
        "MailboxSettings.ReadWrite": "GRANTED",
    }
    assert all(f["works"] for f in data["testTenantPermissions"]["features"])


async def test_a_missing_permission_is_named_with_its_fix_and_its_feature_fails(
    api, emulator
):
    # given: the app lacks MailboxSettings.ReadWrite (automatic replies)
    await api.data(FEATURES, id=api.tenant_id, features=["ROOMS", "ABSENCES"])
    roles = [
        "Organization.Read.All",
        "Place.Read.All",
        "User.Read.All",
        "Calendars.ReadWrite",
        "MailboxSettings.Read",
    ]
    await control(emulator.url, "PUT", f"{APP}/roles", roles=roles)
    assert (await api.connect())["status"] == "CONNECTED"

    # when
    data = (await api.data(PERMISSIONS, id=api.tenant_id))["testTenantPermissions"]

    # then
    missing = [c for c in data["permissions"] if c["status"] != "GRANTED"]
    assert [(c["permission"], c["granted"]) for c in missing] == [
        ("MailboxSettings.ReadWrite", False)
    ]
    assert "MailboxSettings.ReadWrite is not granted" in missing[0]["message"]
    assert "Grant admin consent" in missing[0]["hint"]
    works = {f["feature"]: f["works"] for f in data["features"]}
    assert works == {"ROOMS": True, "ABSENCES": False}
    absences = next(f for f in data["features"] if f["feature"] == "ABSENCES")
    assert absences["lackingPermissions"] == ["MailboxSettings.ReadWrite"]


async def test_with_an_expired_secret_nothing_is_tested_and_the_renewal_is_said(
    api, emulator
):
    await api.connect()
    await control(emulator.url, "POST", f"{APP}/secrets/all/expire")

    data = (await api.data(PERMISSIONS, id=api.tenant_id))["testTenantPermissions"]

    statuses = {c["status"] for c in data["permissions"]}
    assert statuses == {"NOT_TESTED"}
    assert "Certificates & secrets" in data["permissions"][0]["hint"]
    assert not any(f["works"] for f in data["features"])


async def test_a_renewed_secret_reconnects_after_the_old_one_expired(api, emulator):
    # given
    await api.connect()
    await control(emulator.url, "POST", f"{APP}/secrets/all/expire")
    fresh = await control(emulator.url, "POST", f"{APP}/secrets", days=180)
    expires = (datetime.now(UTC) + timedelta(days=180)).isoformat()

    # when
    data = await api.data(
        RENEW, id=api.tenant_id, secret=fresh["value"], expires=expires
    )

    # then
    tested = data["renewTenantSecret"]["connectionTest"]
    assert tested["status"] == "CONNECTED"
    assert tested["tenant"]["secretExpiresAt"][:10] == expires[:10]


async def test_renewing_with_the_expired_secret_shows_secret_expired(api, emulator):
    await api.connect()
    await control(emulator.url, "POST", f"{APP}/secrets/all/expire")

    data = await api.data(RENEW, id=api.tenant_id, secret=CLIENT_SECRET, expires=None)

    assert data["renewTenantSecret"]["connectionTest"]["status"] == "SECRET_EXPIRED"
    assert data["renewTenantSecret"]["connectionTest"]["code"] == "7000222"


async def test_bad_renewals_are_coded_errors_beside_their_fields(api):
    await api.connect()
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()

    dated = await api.post(RENEW, id=api.tenant_id, secret="x", expires=past)
    empty = await api.post(RENEW, id=api.tenant_id, secret="  ", expires=None)
    unknown = await api.post(RENEW, id="no-such-tenant", secret="x", expires=None)

    assert refused(dated, "renewTenantSecret")[0]["field"] == ["secretExpiresAt"]
    assert refused(empty, "renewTenantSecret")[0]["field"] == ["clientSecret"]
    assert refused(unknown, "renewTenantSecret")[0]["code"] == "NOT_FOUND"


async def test_bad_directory_and_client_ids_are_refused_beside_their_fields(api):
    body = await api.post(
        CONNECT,
        input={
            "tenantId": api.tenant_id,
            "directoryId": "not a tenant!",
            "clientId": "1234",
            "clientSecret": "x",
        },
    )

    errors = refused(body, "connectTenant")
    assert errors[0]["code"] == "BAD_USER_INPUT"
    assert errors[0]["field"] == ["input", "directoryId"]


async def test_a_certificate_replaces_the_secret(api, emulator):
    await api.connect()
    key_pem, cert_pem = self_signed_certificate()
    await control(
        emulator.url, "POST", f"{APP}/certificates", certificatePem=cert_pem.decode()
    )

    data = await api.data(
        CERTIFICATE, id=api.tenant_id, pem=(key_pem + cert_pem).decode()
    )

    tested = data["uploadTenantCertificate"]["connectionTest"]
    assert tested["status"] == "CONNECTED"
    assert tested["tenant"]["usesCertificate"] is True


async def test_a_certificate_without_its_key_or_with_another_key_is_refused(api):
    await api.connect()
    _, cert_pem = self_signed_certificate()
    other_key, _ = self_signed_certificate()

    alone = await api.post(CERTIFICATE, id=api.tenant_id, pem=cert_pem.decode())
    wrong = await api.post(
        CERTIFICATE, id=api.tenant_id, pem=(other_key + cert_pem).decode()
    )

    assert refused(alone, "uploadTenantCertificate")[0]["field"] == ["certificatePem"]
    message = refused(wrong, "uploadTenantCertificate")[0]["message"]
    assert "does not belong" in message


async def test_a_tenant_admin_may_not_disconnect(api):
    body = await api.post(DISCONNECT, id=api.tenant_id, confirm=True)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_disconnect_deletes_transom_data_and_subscriptions_not_exchange_events(
    api, emulator, session
):
    # given: a linked room with a meeting from Outlook, in sync with a subscription
    await api.connect()
    rooms = await api.import_rooms()
    room_id = rooms[address("aurora")]
    await api.link(room_id, address("aurora"))
    await api.in_sync(room_id)
    await _outlook_meeting(emulator)
    await eventually(
        lambda: _has_bookings(api, room_id), 20, "the Outlook meeting in Transom"
    )
    admin = await superadmin(api, session)

    # when: asked without confirming, it says what would happen
    asked = await admin.post(DISCONNECT, id=api.tenant_id, confirm=False)
    message = refused(asked, "disconnectTenant")[0]["message"]
    done = await admin.data(DISCONNECT, id=api.tenant_id, confirm=True)

    # then
    assert "Nothing is deleted in Exchange" in message
    assert "3 room(s)" in message
    result = done["disconnectTenant"]
    assert result["deleted"]["rooms"] == 3
    assert result["deleted"]["bookings"] >= 1
    assert result["subscriptionsDeleted"] == 1
    assert await control(emulator.url, "GET", "/subscriptions") == {"value": []}
    assert await session.scalar(select(func.count()).select_from(models.Room)) == 0
    assert await session.scalar(select(func.count()).select_from(models.Tenant)) == 0
    assert len(_room_events(emulator)) == 1  # the meeting stays in Exchange
    gone = await api.post("{ rooms { id } }")  # the tenant's own token is deleted
    assert [e["extensions"]["code"] for e in gone["errors"]] == ["UNAUTHENTICATED"]


async def _outlook_meeting(emulator) -> None:
    start = tomorrow(10)
    async with graph_client(emulator.url) as outlook:
        await book(
            outlook, ADELE, "Planning", start, start + timedelta(hours=1), (AURORA,)
        )


async def _has_bookings(api: Api, room_id: str) -> bool | None:
    return bool(await api.bookings(room_id)) or None


def _room_events(emulator) -> list:
    tenant = emulator.state.tenant(TENANT_ID)
    user = emulator.state.find_user(tenant, address("aurora"))
    return list(emulator.state.mailbox(tenant, user.id).values())
