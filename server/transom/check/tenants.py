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

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.check.findings import Finding
from transom.db import models
from transom.domain.onboarding import PermissionStatus
from transom.graph import GraphTenantClient
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.credentials import MissingCredentialsError, graph_client_for
from transom.sync.permission_probes import (
    Probe,
    fetch_organization,
    fetch_rooms,
    fetch_users,
    run_probe,
)

CONSENT_FIX = (
    "add the application permission {permission} in Entra ID > App registrations "
    "> API permissions, then Grant admin consent"
)


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
    found = await run_probe(probe, client)
    if found.status is PermissionStatus.GRANTED:
        return Finding.passed(area, found.message)
    if found.status is PermissionStatus.MISSING:
        return Finding.failed(
            area, found.message, CONSENT_FIX.format(permission=probe.permission)
        )
    return Finding.failed(area, found.message, found.hint or "see the message")


def _token_failed(finding: Finding) -> bool:
    return finding.message.startswith("no token")


async def _probes(
    session: AsyncSession, tenant: models.Tenant, now: datetime
) -> list[Probe]:
    """The calls for the features this tenant uses (rooms, people)."""
    hour = (now, now + timedelta(hours=1))
    probes = [
        Probe("Organization.Read.All", "reading the organization", fetch_organization),
        Probe("User.Read.All", "listing users", fetch_users),
        Probe("Place.Read.All", "listing rooms", fetch_rooms),
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
