"""A Graph client for a tenant, from its stored (encrypted) credentials.

Invariant: secrets are decrypted only here, just before the credential is built,
and never logged. A certificate, when stored, is preferred over the secret
(it does not silently expire).
"""

from __future__ import annotations

from transom.db import models
from transom.graph import (
    ClientCertificateCredentials,
    ClientSecretCredentials,
    GraphCredentials,
    GraphEndpoints,
    GraphLimits,
    GraphTenantClient,
    RequestCounter,
    open_graph_client,
)
from transom.security import SecretBox
from transom.settings import Settings


class MissingCredentialsError(Exception):
    """The tenant has no (usable) Microsoft 365 credentials stored."""

    hint = (
        "Enter the directory id, client id and client secret on the admin UI's "
        "Tenants page (or send them with connectTenant)."
    )


def credentials_of(tenant: models.Tenant, secret_box: SecretBox) -> GraphCredentials:
    """The azure-identity credential material of ``tenant``."""
    if not tenant.directory_id or not tenant.client_id:
        raise MissingCredentialsError(f"tenant {tenant.name!r} is not connected")
    if tenant.client_certificate_encrypted:
        pem = secret_box.decrypt(tenant.client_certificate_encrypted)
        return ClientCertificateCredentials(
            tenant.directory_id, tenant.client_id, pem.encode()
        )
    if not tenant.client_secret_encrypted:
        raise MissingCredentialsError(f"tenant {tenant.name!r} has no client secret")
    return ClientSecretCredentials(
        tenant.directory_id,
        tenant.client_id,
        secret_box.decrypt(tenant.client_secret_encrypted),
    )


def credentials_fingerprint(tenant: models.Tenant) -> tuple[str | None, ...]:
    """Changes whenever the admin saves new credentials (clients are rebuilt)."""
    return (
        tenant.directory_id,
        tenant.client_id,
        tenant.client_secret_encrypted,
        tenant.client_certificate_encrypted,
    )


async def graph_client_for(
    tenant_row: models.Tenant,
    settings: Settings,
    secret_box: SecretBox,
    *,
    request_counter: RequestCounter | None = None,
    limits: GraphLimits | None = None,
) -> GraphTenantClient:
    """A client for ``tenant_row`` (no I/O yet); close it with ``aclose``."""
    return open_graph_client(
        credentials_of(tenant_row, secret_box),
        GraphEndpoints(settings.graph_url, settings.authority_url),
        request_counter=request_counter,
        limits=limits,
    )
