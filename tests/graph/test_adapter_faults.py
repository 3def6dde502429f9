"""Credentials, throttling and concurrency limits, driven by the emulator's control API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.graph.emulated import APP_PATH, ROOM1, SECRET, Emulated
from tests.servers import free_port
from transom.emulator import CLIENT_ID, TENANT_ID
from transom.graph import (
    ClientCertificateCredentials,
    ClientSecretCredentials,
    GraphAuthError,
    GraphAuthKind,
    GraphEndpoints,
    GraphLimits,
    GraphThrottledError,
    GraphTransientError,
    open_graph_client,
)

pytestmark = pytest.mark.anyio

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)
DAY = timedelta(days=1)


async def test_expired_secret_is_reported_with_its_fix(emulated: Emulated):
    # given
    await emulated.control.post(f"{APP_PATH}/secrets/all/expire")
    client, _ = emulated.client()

    # when
    async with client:
        with pytest.raises(GraphAuthError) as failure:
            await client.fetch_organization()

    # then
    assert failure.value.kind is GraphAuthKind.SECRET_EXPIRED
    assert failure.value.aadsts_code == "7000222"
    assert "Certificates & secrets" in failure.value.hint
    assert isinstance(failure.value.__cause__, Exception)


async def test_secret_id_pasted_instead_of_value_is_invalid_credentials(
    emulated: Emulated,
):
    # given
    client, _ = emulated.client(ClientSecretCredentials(TENANT_ID, CLIENT_ID, "not-it"))

    # when
    async with client:
        with pytest.raises(GraphAuthError) as failure:
            await client.fetch_organization()

    # then
    assert failure.value.kind is GraphAuthKind.INVALID_CREDENTIALS


async def test_throttled_requests_are_retried_after_retry_after(emulated: Emulated):
    # given two 429s with Retry-After: 1, then success
    await emulated.control.post(
        "/_emulator/faults",
        json={"failNext": 2, "failStatus": 429, "retryAfterSeconds": 1},
    )
    client, counter = emulated.client()

    # when
    async with client:
        rooms = await client.fetch_rooms()

    # then
    assert len(rooms) == 2
    assert counter.graph_requests == 3


async def test_a_429_storm_ends_in_a_throttled_error_with_retry_after(
    emulated: Emulated,
):
    # given
    await emulated.control.post(
        "/_emulator/faults", json={"throttleShare": 1.0, "retryAfterSeconds": 1}
    )
    client, counter = emulated.client(limits=GraphLimits(max_retries=1))

    # when
    async with client:
        with pytest.raises(GraphThrottledError) as failure:
            await client.fetch_rooms()

    # then
    assert failure.value.retry_after_seconds == 1
    assert counter.graph_requests == 2


@pytest.mark.parametrize(("per_mailbox", "throttled"), [(4, False), (12, True)])
async def test_at_most_four_requests_per_mailbox_are_in_flight(
    emulated: Emulated, per_mailbox: int, throttled: bool
):
    # given every request takes 100 ms, so twelve at once would overlap
    await emulated.control.post("/_emulator/faults", json={"latencyMs": 100})
    client, counter = emulated.client(limits=GraphLimits(per_mailbox=per_mailbox))

    # when
    async with client, anyio.create_task_group() as group:
        for _ in range(12):
            group.start_soon(client.fetch_calendar_view, ROOM1, MONDAY, MONDAY + DAY)

    # then with the default limit no 429 ApplicationThrottled had to be retried
    assert (counter.graph_requests > 12) is throttled
    assert counter.token_requests == 1


async def test_certificate_credential_gets_tokens(emulated: Emulated):
    # given
    key_pem, cert_pem = self_signed_certificate()
    emulated.state.register_certificate(TENANT_ID, CLIENT_ID, cert_pem.decode())
    credentials = ClientCertificateCredentials(TENANT_ID, CLIENT_ID, key_pem + cert_pem)
    client, counter = emulated.client(credentials)

    # when
    async with client:
        org = await client.fetch_organization()

    # then
    assert org.tenant_id == TENANT_ID
    assert counter.token_requests == 1


def self_signed_certificate() -> tuple[bytes, bytes]:
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
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


async def test_unreachable_graph_is_a_transient_error():
    # given nothing listens on this port
    endpoints = GraphEndpoints(
        f"http://127.0.0.1:{free_port()}/v1.0", "http://127.0.0.1:1"
    )
    client = open_graph_client(
        SECRET, endpoints, limits=GraphLimits(timeout_seconds=2, max_retries=0)
    )

    # when
    async with client:
        with pytest.raises(GraphTransientError) as failure:
            await client.fetch_organization()

    # then
    assert failure.value.hint
