"""Each tenant's connection, and one real Graph call per permission its
features need (docs/production.md lists them):

- connection: a token, and ``Organization.Read.All`` (the organization);
- people directory (absences, availability): ``User.Read.All`` (list users);
- rooms (import): ``Place.Read.All`` (list rooms);
- rooms (link a mailbox): ``MailboxSettings.Read`` (the room mailbox's settings);
- bookings and displays: ``Calendars.ReadWrite`` on a linked room's mailbox
  (its calendar is read; writes need the same grant);
- absences and automatic replies: ``MailboxSettings.ReadWrite`` (a person's
  automatic replies are read) and ``Calendars.ReadWrite`` on people's mailboxes;
- availability: ``Calendars.ReadWrite`` (or ``Calendars.Read``) on a person's
  mailbox (its calendar is read).

A failed token stops the tenant's checks (every call would fail the same way).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.check.findings import Finding
from transom.db import models
from transom.graph import (
    GraphAuthError,
    GraphAuthKind,
    GraphError,
    GraphTenantClient,
    MailboxAccessDeniedError,
)
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.credentials import MissingCredentialsError, graph_client_for

CONSENT_FIX = (
    "add the application permission {permission} in Entra ID > App registrations "
    "> API permissions, then Grant admin consent"
)


@dataclass(frozen=True)
class Probe:
    permission: str
    purpose: str
    call: Callable[[GraphTenantClient], Awaitable[Any]]


async def check_tenants(
    session: AsyncSession, settings: Settings, now: datetime
) -> list[Finding]:
    tenants = (await session.scalars(select(models.Tenant))).all()
    findings: list[Finding] = []
    for tenant in tenants:
        probes = await _probes(session, tenant, now)
        findings.extend(await check_tenant(tenant, settings, probes))
    return findings


async def check_tenant(
    tenant: models.Tenant, settings: Settings, probes: list[Probe]
) -> list[Finding]:
    area = f"tenant {tenant.name}"
    try:
        client = await graph_client_for(
            tenant, settings, SecretBox(str(settings.secret_key))
        )
    except MissingCredentialsError as exc:
        return [Finding.failed(area, str(exc), exc.hint)]
    except ValueError as exc:  # the secret key cannot decrypt them
        return [Finding.failed(area, str(exc), "see the secret key line")]
    findings = []
    async with client:
        for probe in probes:
            finding = await _run(area, probe, client)
            findings.append(finding)
            if not finding.ok and _token_failed(finding):
                break
    return findings


async def _run(area: str, probe: Probe, client: GraphTenantClient) -> Finding:
    try:
        await probe.call(client)
    except GraphAuthError as exc:
        if exc.kind is GraphAuthKind.CONSENT_MISSING:
            return Finding.failed(
                area,
                f"{probe.permission} is not granted ({probe.purpose} was refused)",
                CONSENT_FIX.format(permission=probe.permission),
            )
        return Finding.failed(area, f"no token: {_reason(exc)}", exc.hint)
    except MailboxAccessDeniedError as exc:
        return Finding.failed(
            area,
            f"the application access policy shuts out {probe.purpose}",
            exc.hint,
        )
    except GraphError as exc:
        return Finding.failed(area, f"{probe.purpose}: {_reason(exc)}", exc.hint)
    return Finding.passed(area, f"{probe.permission}: {probe.purpose} works")


def _token_failed(finding: Finding) -> bool:
    return finding.message.startswith("no token")


def _reason(exc: GraphError) -> str:
    kind = getattr(exc, "kind", None)
    label = str(kind).lower().replace("_", " ") if kind is not None else ""
    first = (str(exc).splitlines() or [""])[0][:160]
    return f"{label} ({first})" if label else first


async def _probes(
    session: AsyncSession, tenant: models.Tenant, now: datetime
) -> list[Probe]:
    """The calls for the features this tenant uses (rooms, people)."""
    hour = (now, now + timedelta(hours=1))
    probes = [
        Probe("Organization.Read.All", "reading the organization", _organization),
        Probe("User.Read.All", "listing users", _users),
        Probe("Place.Read.All", "listing rooms", _rooms),
    ]
    room = await session.scalar(
        select(models.Room.mailbox_email).where(
            models.Room.tenant_id == tenant.id,
            models.Room.link_state == "LINKED",
            models.Room.mailbox_email.is_not(None),
        )
    )
    if room:
        probes += [
            Probe(
                "MailboxSettings.Read",
                f"reading the mailbox settings of room {room}",
                lambda graph: graph.fetch_mailbox(room),
            ),
            Probe(
                "Calendars.ReadWrite",
                f"reading room calendar {room}",
                lambda graph: graph.fetch_calendar_view(room, *hour),
            ),
        ]
    person = await session.scalar(
        select(models.Person.primary_email).where(models.Person.tenant_id == tenant.id)
    )
    if person:
        probes += [
            Probe(
                "MailboxSettings.ReadWrite",
                f"reading the automatic replies of {person}",
                lambda graph: graph.fetch_automatic_replies(person),
            ),
            Probe(
                "Calendars.ReadWrite",
                f"reading the calendar of {person}",
                lambda graph: graph.fetch_calendar_view(person, *hour),
            ),
        ]
    return probes


async def _organization(graph: GraphTenantClient) -> object:
    return await graph.fetch_organization()


async def _users(graph: GraphTenantClient) -> object:
    return await graph.fetch_users()


async def _rooms(graph: GraphTenantClient) -> object:
    return await graph.fetch_rooms()
