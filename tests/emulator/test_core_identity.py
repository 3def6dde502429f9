"""Entra token endpoint and Graph's 401/403 answers (graph-contract.md §1, §7)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from azure.core.exceptions import ClientAuthenticationError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from tests.emulator.core_directory import ADELE, CoreServer, core_server
from tests.emulator.graph_clients import EmulatorAioTransport, graph_client
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_DOMAIN, TENANT_ID
from transom.emulator.provisioning import add_app

__all__ = ["core_server"]
pytestmark = pytest.mark.anyio
SCOPE = "https://graph.microsoft.com/.default"


async def token_response(
    url: str, tenant: str = TENANT_ID, **form: str
) -> httpx.Response:
    body = {"client_id": CLIENT_ID, "grant_type": "client_credentials", "scope": SCOPE}
    body.update(form)
    async with httpx.AsyncClient(base_url=url) as http:
        return await http.post(f"/{tenant}/oauth2/v2.0/token", data=body)


async def test_client_secret_gets_a_bearer_token_with_roles(
    core_server: CoreServer,
) -> None:
    # when
    response = await token_response(core_server.url, client_secret=CLIENT_SECRET)
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["tid"] == TENANT_ID
    assert claims["appid"] == CLIENT_ID
    assert "Calendars.ReadWrite" in claims["roles"]


async def test_tenant_is_found_by_domain_name_and_basic_auth_works(
    core_server: CoreServer,
) -> None:
    # given
    form = {"grant_type": "client_credentials", "scope": SCOPE}
    # when
    async with httpx.AsyncClient(base_url=core_server.url) as http:
        response = await http.post(
            f"/{TENANT_DOMAIN}/oauth2/v2.0/token",
            data=form,
            auth=(CLIENT_ID, CLIENT_SECRET),
        )
    # then
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("tenant", "form", "status", "error", "code"),
    [
        (TENANT_ID, {"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        (TENANT_ID, {}, 400, "invalid_client", 7000218),
        (
            "nowhere.example",
            {"client_secret": CLIENT_SECRET},
            400,
            "invalid_tenant",
            90002,
        ),
        (
            TENANT_ID,
            {"client_secret": "x", "client_id": "0000"},
            400,
            "unauthorized_client",
            700016,
        ),
        (
            TENANT_ID,
            {"client_secret": CLIENT_SECRET, "scope": "User.Read"},
            400,
            "invalid_scope",
            1002012,
        ),
    ],
)
async def test_token_errors_have_entra_shape(
    core_server: CoreServer,
    tenant: str,
    form: dict[str, str],
    status: int,
    error: str,
    code: int,
) -> None:
    # when
    response = await token_response(core_server.url, tenant, **form)
    # then
    body = response.json()
    assert response.status_code == status
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert {"timestamp", "trace_id", "correlation_id"} <= body.keys()


async def test_expired_secret_is_refused_with_aadsts7000222(
    core_server: CoreServer,
) -> None:
    # given
    core_server.emulator.expire_secret(TENANT_ID, CLIENT_ID)
    # when
    response = await token_response(core_server.url, client_secret=CLIENT_SECRET)
    # then
    assert response.status_code == 401
    assert response.json()["error_codes"] == [7000222]


async def test_aio_credential_surfaces_invalid_secret(core_server: CoreServer) -> None:
    # when
    with pytest.raises(ClientAuthenticationError) as raised:
        async with graph_client(core_server.url, secret="wrong") as client:
            await client.users.get()
    # then
    assert "AADSTS7000215" in str(raised.value)


async def test_added_secret_works_alongside_the_old_one(
    core_server: CoreServer,
) -> None:
    # given
    secret = core_server.emulator.add_secret(TENANT_ID, CLIENT_ID, days=30)
    # when
    async with graph_client(core_server.url, secret=secret.value) as client:
        users = await client.users.get()
    # then
    assert users is not None
    assert users.value


async def test_app_without_consent_gets_403_from_graph(core_server: CoreServer) -> None:
    # given
    core_server.emulator.set_consent(TENANT_ID, CLIENT_ID, False)
    async with graph_client(core_server.url) as client:
        # when
        with pytest.raises(ODataError) as directory:
            await client.users.get()
        with pytest.raises(ODataError) as outlook:
            await client.users.by_user_id(ADELE).events.get()
    # then
    assert directory.value.response_status_code == 403
    assert directory.value.error.code == "Authorization_RequestDenied"
    assert outlook.value.error.code == "ErrorAccessDenied"
    assert (
        outlook.value.error.message
        == "Access is denied. Check credentials and try again."
    )
    assert outlook.value.error.inner_error.request_id


async def test_app_missing_one_role_is_refused_for_that_api(
    core_server: CoreServer,
) -> None:
    # given
    app = add_app(core_server.emulator, TENANT_ID, "Reader", roles=["User.Read.All"])
    secret = core_server.emulator.add_secret(TENANT_ID, app.client_id)
    async with graph_client(
        core_server.url, client_id=app.client_id, secret=secret.value
    ) as client:
        # when
        users = await client.users.get()
        with pytest.raises(ODataError) as raised:
            await client.places.graph_room.get()
    # then
    assert users is not None
    assert raised.value.response_status_code == 403


async def test_access_policy_blocks_mailboxes_outside_it(
    core_server: CoreServer,
) -> None:
    # given
    core_server.emulator.set_access_policy(
        TENANT_ID, CLIENT_ID, ["meganb@" + TENANT_DOMAIN]
    )
    async with graph_client(core_server.url) as client:
        # when
        with pytest.raises(ODataError) as raised:
            await client.users.by_user_id(ADELE).events.get()
        allowed = await client.users.by_user_id("meganb@" + TENANT_DOMAIN).events.get()
    # then
    assert raised.value.response_status_code == 403
    assert raised.value.error.code == "ErrorAccessDenied"
    assert "[RAOP]" in raised.value.error.message
    assert allowed is not None


@pytest.mark.parametrize("header", ["", "Basic abc", "Bearer not-a-jwt"])
async def test_graph_refuses_missing_or_bad_tokens(
    core_server: CoreServer, header: str
) -> None:
    # when
    async with httpx.AsyncClient(base_url=core_server.url) as http:
        response = await http.get("/v1.0/users", headers={"Authorization": header})
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert response.headers["request-id"]


async def test_graph_refuses_expired_tokens(core_server: CoreServer) -> None:
    # given
    key = core_server.emulator.signing_key
    claims = {
        "aud": "https://graph.microsoft.com",
        "tid": TENANT_ID,
        "appid": CLIENT_ID,
        "exp": int(time.time()) - 60,
    }
    token = jwt.encode(claims, key.private_key, algorithm="RS256")
    # when
    async with httpx.AsyncClient(base_url=core_server.url) as http:
        response = await http.get(
            "/v1.0/users", headers={"Authorization": f"Bearer {token}"}
        )
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"


async def test_openid_configuration_points_to_the_public_https_token_endpoint(
    core_server: CoreServer,
) -> None:
    # when
    async with httpx.AsyncClient(base_url=core_server.url) as http:
        found = await http.get(
            f"/{TENANT_DOMAIN}/v2.0/.well-known/openid-configuration"
        )
        missing = await http.get(
            "/nowhere.example/v2.0/.well-known/openid-configuration"
        )
        keys = await http.get(f"/{TENANT_ID}/discovery/v2.0/keys")
    # then
    assert (
        found.json()["token_endpoint"]
        == f"https://login.microsoftonline.com/{TENANT_DOMAIN}/oauth2/v2.0/token"
    )
    assert (
        found.json()["issuer"] == f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"
    )
    assert missing.status_code == 400
    assert missing.json()["error_codes"] == [90002]
    assert keys.json()["keys"][0]["kid"] == core_server.emulator.signing_key.kid


def self_signed_certificate() -> tuple[str, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "transom-test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem.decode(), key_pem + cert_pem


async def test_certificate_credential_gets_a_token(core_server: CoreServer) -> None:
    # given
    from azure.identity.aio import CertificateCredential

    cert_pem, bundle = self_signed_certificate()
    core_server.emulator.register_certificate(TENANT_ID, CLIENT_ID, cert_pem)
    credential = CertificateCredential(
        TENANT_ID,
        CLIENT_ID,
        certificate_data=bundle,
        transport=EmulatorAioTransport(core_server.url),
    )
    # when
    try:
        token = await credential.get_token(SCOPE)
    finally:
        await credential.close()
    # then
    claims = jwt.decode(token.token, options={"verify_signature": False})
    assert claims["appidacr"] == "2"


async def test_unregistered_certificate_is_refused(core_server: CoreServer) -> None:
    # given
    from azure.identity.aio import CertificateCredential

    _, bundle = self_signed_certificate()
    credential = CertificateCredential(
        TENANT_ID,
        CLIENT_ID,
        certificate_data=bundle,
        transport=EmulatorAioTransport(core_server.url),
    )
    # when
    try:
        with pytest.raises(ClientAuthenticationError) as raised:
            await credential.get_token(SCOPE)
    finally:
        await credential.close()
    # then
    assert "AADSTS700027" in str(raised.value)
