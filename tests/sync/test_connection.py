"""Tenant connection: credentials stored encrypted, tested against Graph."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.sync.harness import TEST
from transom.db import models
from transom.emulator import CLIENT_SECRET, TENANT_ID

pytestmark = pytest.mark.anyio

IMPORT_COUNTS = """
mutation ($id: ID!) { importRooms(tenantId: $id) { created updated unchanged } }"""


async def test_connect_tenant_reports_connected_with_the_organization(api, session):
    # when
    result = await api.connect()

    # then
    assert result["status"] == "CONNECTED"
    assert result["organizationName"] == "Contoso"
    assert result["roomCount"] == 3
    stored = await session.scalar(select(models.Tenant.client_secret_encrypted))
    assert stored
    assert CLIENT_SECRET not in stored


async def test_a_wrong_secret_is_invalid_credentials_with_the_aadsts_code(api):
    # when
    result = await api.connect(secret="not-the-secret")

    # then
    assert result["status"] == "INVALID_CREDENTIALS"
    assert result["code"] == "7000215"
    assert "Secret ID" in result["hint"]


async def test_import_rooms_is_idempotent_by_mailbox(api):
    # given
    await api.connect()
    first = await api.import_rooms()

    # when
    second = await api.import_rooms()

    # then
    assert first == second
    assert sorted(first) == [
        "aurora@contoso.onmicrosoft.com",
        "borealis@contoso.onmicrosoft.com",
        "cirrus@contoso.onmicrosoft.com",
    ]


async def test_importing_again_counts_only_what_changed(api, emulator):
    # given
    await api.connect()
    first = (await api.data(IMPORT_COUNTS, id=api.tenant_id))["importRooms"]
    assert (first["created"], first["updated"], first["unchanged"]) == (3, 0, 0)

    # when nothing changed in Microsoft 365
    again = (await api.data(IMPORT_COUNTS, id=api.tenant_id))["importRooms"]

    # then
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)

    # when one room's capacity changes there
    tenant = emulator.state.tenants[TENANT_ID]
    aurora = next(u for u in tenant.users.values() if u.mail.startswith("aurora@"))
    assert aurora.place is not None
    aurora.place["capacity"] = 99
    changed = (await api.data(IMPORT_COUNTS, id=api.tenant_id))["importRooms"]

    # then
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 2)


async def test_consent_revoked_shows_consent_missing(api, emulator):
    # given
    from tests.sync.harness import control
    from transom.emulator import CLIENT_ID

    await api.connect()
    await control(
        emulator.url,
        "POST",
        f"/tenants/{TENANT_ID}/apps/{CLIENT_ID}/consent",
        consented=False,
    )

    # when
    data = await api.data(TEST, id=api.tenant_id)

    # then
    assert data["testTenantConnection"]["connectionTest"]["status"] == "CONSENT_MISSING"


async def test_a_client_certificate_connects_without_a_secret(api, emulator):
    # given: a certificate uploaded to the app registration
    from tests.graph.test_adapter_faults import self_signed_certificate
    from tests.sync.harness import CONNECT
    from transom.emulator import CLIENT_ID

    key_pem, cert_pem = self_signed_certificate()
    emulator.state.register_certificate(TENANT_ID, CLIENT_ID, cert_pem.decode())

    # when
    data = await api.data(
        CONNECT,
        input={
            "tenantId": api.tenant_id,
            "directoryId": TENANT_ID,
            "clientId": CLIENT_ID,
            "certificatePem": (key_pem + cert_pem).decode(),
        },
    )

    # then
    assert data["connectTenant"]["connectionTest"]["status"] == "CONNECTED"


async def test_a_secret_expiring_within_30_days_is_reported(api):
    # given
    from datetime import UTC, datetime, timedelta

    from tests.sync.harness import CONNECT
    from transom.emulator import CLIENT_ID

    # when
    data = await api.data(
        CONNECT,
        input={
            "tenantId": api.tenant_id,
            "directoryId": TENANT_ID,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "secretExpiresAt": (datetime.now(UTC) + timedelta(days=12)).isoformat(),
        },
    )

    # then
    assert data["connectTenant"]["connectionTest"]["status"] == "SECRET_EXPIRING"
    assert (
        "expires within 30 days" in data["connectTenant"]["connectionTest"]["message"]
    )
