"""The control API under /_emulator/: credentials, consent, policy, stats, reset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity.aio import CertificateCredential
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.calendar_view.delta.delta_request_builder import (
    DeltaRequestBuilder,
)

from tests.emulator.core_directory import ADELE, core_app
from tests.emulator.graph_clients import EmulatorAioTransport, graph_client
from tests.emulator.raw_http import bearer, request_token
from tests.emulator.test_core_identity import SCOPE, self_signed_certificate
from tests.servers import serve_in_thread
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID

pytestmark = pytest.mark.anyio

APP = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}"


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve_in_thread(core_app()) as url:
        yield url


async def test_tenants_lists_apps_with_their_secrets(emulator_url: str):
    # when
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        response = await client.get("/_emulator/tenants")

    # then
    tenant = next(t for t in response.json()["value"] if t["tenantId"] == TENANT_ID)
    app = next(a for a in tenant["apps"] if a["clientId"] == CLIENT_ID)
    assert CLIENT_SECRET in [s["value"] for s in app["secrets"]]


async def test_expired_secret_gets_aadsts7000222(emulator_url: str):
    # given
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        expired = await client.post(f"{APP}/secrets/all/expire")

        # when
        response = await request_token(client)

    # then
    assert expired.status_code == 200
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "AADSTS7000222" in response.json()["error_description"]


async def test_added_secret_works_and_removed_secret_does_not(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        added = (await client.post(f"{APP}/secrets", json={"days": 1})).json()
        works = await request_token(client, added["value"])

        # when
        removed = await client.delete(f"{APP}/secrets/{added['id']}")
        refused = await request_token(client, added["value"])

    # then
    assert works.status_code == 200
    assert removed.status_code == 204
    assert "AADSTS7000215" in refused.json()["error_description"]


async def test_revoked_consent_leaves_tokens_without_roles(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        await client.post(f"{APP}/consent", json={"consented": False})
        headers = await bearer(client)

        # when
        response = await client.get("/v1.0/users", headers=headers)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Authorization_RequestDenied"


async def test_granted_roles_decide_new_tokens_and_an_old_token_keeps_its_own(
    emulator_url: str,
):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given: a token issued while every permission was granted
        before = await bearer(client)
        users = (await client.get("/v1.0/users", headers=before)).json()["value"]
        mailbox = users[0]["mail"]
        set_roles = await client.put(
            f"{APP}/roles", json={"roles": ["User.Read.All", "MailboxSettings.Read"]}
        )

        # when
        after = await bearer(client)
        read = await client.get(f"/v1.0/users/{mailbox}/mailboxSettings", headers=after)
        write = await client.patch(
            f"/v1.0/users/{mailbox}/mailboxSettings", json={}, headers=after
        )
        places = await client.get("/v1.0/places/microsoft.graph.room", headers=after)
        old = await client.get("/v1.0/places/microsoft.graph.room", headers=before)
        bad = await client.put(f"{APP}/roles", json={"roles": "Place.Read.All"})

    # then
    assert set_roles.json() == {"roles": ["User.Read.All", "MailboxSettings.Read"]}
    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["error"]["code"] == "ErrorAccessDenied"
    assert places.status_code == 403
    assert places.json()["error"]["code"] == "Authorization_RequestDenied"
    assert old.status_code == 200  # a token keeps its roles until it expires
    assert bad.status_code == 400


async def test_an_uploaded_certificate_signs_client_assertions(emulator_url: str):
    # given: a certificate uploaded to the app (its public part)
    cert_pem, bundle = self_signed_certificate()
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        uploaded = await client.post(
            f"{APP}/certificates", json={"certificatePem": cert_pem}
        )
        refused = await client.post(f"{APP}/certificates", json={"certificatePem": "x"})
    credential = CertificateCredential(
        TENANT_ID,
        CLIENT_ID,
        certificate_data=bundle,
        transport=EmulatorAioTransport(emulator_url),
    )
    try:
        token = await credential.get_token(SCOPE)
    finally:
        await credential.close()

    # then: tokens for assertions signed with its key
    assert uploaded.status_code == 201
    assert uploaded.json()["thumbprint"]
    assert refused.status_code == 400
    assert token.token


async def test_access_policy_denies_mailboxes_outside_it(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        headers = await bearer(client)
        users = (await client.get("/v1.0/users", headers=headers)).json()["value"]
        allowed, denied = users[0]["mail"], users[1]["mail"]
        await client.put(f"{APP}/access-policy", json={"mailboxes": [allowed]})

        # when
        inside = await client.get(f"/v1.0/users/{allowed}/events", headers=headers)
        outside = await client.get(f"/v1.0/users/{denied}/events", headers=headers)
        await client.delete(f"{APP}/access-policy")
        lifted = await client.get(f"/v1.0/users/{denied}/events", headers=headers)

    # then
    assert inside.status_code == 200
    assert outside.status_code == 403
    assert outside.json()["error"]["code"] == "ErrorAccessDenied"
    assert lifted.status_code == 200


async def test_stats_count_requests_per_path(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        headers = await bearer(client)
        await client.delete("/_emulator/stats")
        for _ in range(3):
            await client.get("/v1.0/organization", headers=headers)

        # when
        stats = (await client.get("/_emulator/stats")).json()

    # then
    assert stats["requests"]["GET /v1.0/organization"] == 3


async def test_reset_restores_the_seed(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        await client.post(f"{APP}/secrets/all/expire")
        await client.post("/_emulator/faults", json={"unavailableShare": 1.0})

        # when
        reset = await client.post("/_emulator/reset", json={})
        token = await request_token(client)
        faults = (await client.get("/_emulator/faults")).json()

    # then
    assert reset.status_code == 200
    assert token.status_code == 200
    assert faults["unavailableShare"] == 0.0


async def test_bad_control_input_is_a_400_with_a_message(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # when
        response = await client.post("/_emulator/faults", json={"nonsense": 1})

    # then
    assert response.status_code == 400
    assert "nonsense" in response.json()["error"]


async def test_expired_secret_fails_the_sdk_credential(emulator_url: str):
    # given
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        await client.post(f"{APP}/secrets/all/expire")

    # when
    async with graph_client(emulator_url) as graph:
        with pytest.raises(ClientAuthenticationError) as failure:
            await graph.organization.get()

    # then
    assert "AADSTS7000222" in str(failure.value)


async def test_invalidated_delta_tokens_answer_410(emulator_url: str):
    # given
    start = datetime.now(UTC).replace(microsecond=0)
    query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
        start_date_time=start.isoformat(),
        end_date_time=(start + timedelta(days=7)).isoformat(),
    )
    async with graph_client(emulator_url) as graph:
        delta = graph.users.by_user_id(ADELE).calendar_view.delta
        first = await delta.get(RequestConfiguration(query_parameters=query))

        # when
        async with httpx.AsyncClient(base_url=emulator_url) as client:
            body = {"tenantId": TENANT_ID, "mailbox": ADELE}
            invalidated = await client.post(
                "/_emulator/delta-tokens/invalidate", json=body
            )
        with pytest.raises(ODataError) as failure:
            await delta.with_url(first.odata_delta_link).get()

    # then
    assert invalidated.json()["invalidated"] >= 1
    assert failure.value.response_status_code == 410
    assert failure.value.error.code == "SyncStateNotFound"
