"""A tenant's Microsoft 365 connection: test it, store credentials, record failures.

Status machine (``tenant.connection_status``)::

    DISABLED --connectTenant--> (test) --> CONNECTED | SECRET_EXPIRING
                                       \\-> SECRET_EXPIRED | INVALID_CREDENTIALS
                                        \\-> CONSENT_MISSING | ERROR
    CONNECTED --auth failure in a loop/outbox--> SECRET_EXPIRED | ... (loops stop)
    blocked   --connectTenant (new credentials)--> test again (loops resume)

Invariants: the secret is encrypted before it is stored and never returned;
every test reads ``/organization`` and lists rooms with a *fresh* client (so a
new token is requested and a revoked secret shows at once); a blocked status
(``domain.connection.BLOCKING``) is only left by saving new credentials or by a
successful test.
"""

from __future__ import annotations

import logging
from datetime import datetime

import anyio

from transom.db import models
from transom.db.tenants import lock_tenant
from transom.domain.connection import (
    ConnectionReport,
    ConnectionStatus,
    healthy_status,
)
from transom.domain.errors import InvalidInputError, NotFoundError
from transom.graph import GraphAuthError, GraphAuthKind, GraphError
from transom.sync.calendars.state import add_log
from transom.sync.credentials import MissingCredentialsError
from transom.sync.env import SyncEnv

log = logging.getLogger(__name__)
TEST_TIMEOUT = 60.0

AUTH_STATUS = {
    GraphAuthKind.SECRET_EXPIRED: ConnectionStatus.SECRET_EXPIRED,
    GraphAuthKind.INVALID_CREDENTIALS: ConnectionStatus.INVALID_CREDENTIALS,
    GraphAuthKind.TENANT_NOT_FOUND: ConnectionStatus.INVALID_CREDENTIALS,
    GraphAuthKind.APP_NOT_FOUND: ConnectionStatus.INVALID_CREDENTIALS,
    GraphAuthKind.CONSENT_MISSING: ConnectionStatus.CONSENT_MISSING,
    GraphAuthKind.TOKEN_REJECTED: ConnectionStatus.ERROR,
    GraphAuthKind.OTHER: ConnectionStatus.ERROR,
}


def report_for_error(error: Exception) -> ConnectionReport:
    """What an exception from a connection test or a loop means for the tenant."""
    if isinstance(error, GraphAuthError):
        return ConnectionReport(
            AUTH_STATUS[error.kind], error.message, error.code, error.hint
        )
    if isinstance(error, MissingCredentialsError):
        return ConnectionReport(ConnectionStatus.DISABLED, str(error), None, error.hint)
    if isinstance(error, GraphError):
        return ConnectionReport(
            ConnectionStatus.ERROR, error.message, error.code, error.hint
        )
    if isinstance(error, TimeoutError):
        return ConnectionReport(
            ConnectionStatus.ERROR,
            "Microsoft 365 did not answer in time",
            None,
            "Try again; check that Transom can reach Microsoft Graph.",
        )
    raise error


def apply_report(
    tenant: models.Tenant, report: ConnectionReport, now: datetime
) -> None:
    tenant.connection_status = report.status.value
    tenant.connection_message = report.message
    tenant.connection_code = report.code
    tenant.connection_hint = report.hint
    tenant.connection_checked_at = now


async def test_connection(env: SyncEnv, tenant_id: str) -> ConnectionReport:
    """Acquire a token, read the organization, list rooms; store the outcome."""
    async with env.sessions() as session:
        tenant = await session.get(models.Tenant, tenant_id)
        if tenant is None:
            raise NotFoundError.of("Tenant", tenant_id)
    now = env.clock()
    domains: list[str] | None = None
    try:
        graph = await env.clients.fresh(tenant)
        try:
            with anyio.fail_after(TEST_TIMEOUT):
                org = await graph.fetch_organization()
                rooms = await graph.fetch_rooms()
        finally:
            await graph.aclose()
    except (GraphError, MissingCredentialsError, TimeoutError) as exc:
        report = report_for_error(exc)
    else:
        status = healthy_status(tenant.secret_expires_at, now)
        report = ConnectionReport(
            status,
            _healthy_message(status, org.display_name, len(rooms)),
            None,
            _healthy_hint(status),
            org.display_name,
            len(rooms),
        )
        domains = list(org.verified_domains)
    await _store_report(env, tenant_id, report, now, domains)
    return report


async def record_auth_failure(
    env: SyncEnv, tenant_id: str, error: GraphAuthError, *, mailbox: str | None = None
) -> ConnectionReport:
    """A loop or a link check was refused: mark the tenant and publish it (the
    open admin pages show the new status at once; blocked loops stop).

    Entra ID refusing a token (AADSTS7000222: the secret expired) names the
    cause. Graph refusing a token Entra issued earlier (401, TOKEN_REJECTED)
    does not: the cached client (and its token) is dropped and a fresh token
    asked for, as a connection test does. That finds SECRET_EXPIRED when the
    secret ran out meanwhile, or CONNECTED when the old token was merely stale
    (the restarted loop then gets a new client and token).
    """
    log.warning(
        "tenant %s%s: authentication failed: %s",
        tenant_id,
        f" ({mailbox})" if mailbox else "",
        error.message,
    )
    if error.kind is GraphAuthKind.TOKEN_REJECTED:
        env.clients.forget(tenant_id)
        return await test_connection(env, tenant_id)
    report = report_for_error(error)
    await _store_report(env, tenant_id, report, env.clock(), None)
    return report


async def save_credentials(
    env: SyncEnv,
    tenant_id: str,
    *,
    directory_id: str,
    client_id: str,
    client_secret: str | None,
    secret_expires_at: datetime | None,
    certificate_pem: str | None,
) -> None:
    """Store (encrypted) credentials; the caller then tests the connection."""
    if not client_secret and not certificate_pem:
        raise InvalidInputError(
            "give the client secret's value or a certificate", field="clientSecret"
        )
    if certificate_pem and "PRIVATE KEY" not in certificate_pem:
        raise InvalidInputError(
            "the PEM must hold the private key and the certificate",
            field="certificatePem",
        )
    async with env.sessions() as session:
        tenant = await lock_tenant(session, tenant_id)
        if tenant is None:
            raise NotFoundError.of("Tenant", tenant_id)
        tenant.directory_id = directory_id.strip()
        tenant.client_id = client_id.strip()
        tenant.client_secret_encrypted = (
            env.secret_box.encrypt(client_secret) if client_secret else None
        )
        tenant.client_certificate_encrypted = (
            env.secret_box.encrypt(certificate_pem) if certificate_pem else None
        )
        tenant.secret_expires_at = secret_expires_at
        await session.commit()


async def _store_report(
    env: SyncEnv,
    tenant_id: str,
    report: ConnectionReport,
    now: datetime,
    domains: list[str] | None,
) -> None:
    async with env.sessions() as session:
        tenant = await session.get(models.Tenant, tenant_id)
        if tenant is None:
            return
        changed = tenant.connection_status != report.status.value
        apply_report(tenant, report, now)
        if domains is not None:
            tenant.verified_domains = domains
        if changed and report.status not in (
            ConnectionStatus.CONNECTED,
            ConnectionStatus.SECRET_EXPIRING,
        ):
            add_log(
                session,
                tenant_id=tenant_id,
                message=f"Microsoft 365 refused the connection: {report.message}",
                code=report.code,
                hint=report.hint,
            )
        await session.commit()
    await env.tenant_changed(tenant_id)


def _healthy_message(status: ConnectionStatus, org: str, rooms: int) -> str:
    base = f"Connected to {org}: {rooms} rooms in the directory."
    if status is ConnectionStatus.SECRET_EXPIRING:
        return base + " The client secret expires within 30 days."
    return base


def _healthy_hint(status: ConnectionStatus) -> str | None:
    if status is ConnectionStatus.CONNECTED:
        return None
    return (
        "Create a new client secret in Entra ID > App registrations > Certificates "
        "& secrets (or use a certificate) and save it in Transom: the Tenants page "
        "of the admin UI, or connectTenant."
    )
