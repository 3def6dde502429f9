"""Test a tenant's Graph permissions one by one, for the features it chose.

Each least-privilege permission (``domain.onboarding.required_permissions``) is
tried with one real Graph call (``sync.permission_probes``) on a *fresh*
client, so the token carries the roles granted now (Entra puts the granted
application permissions in the token; a consent given a minute ago is not in a
token cached an hour ago). Mailbox permissions need a mailbox: a linked room
(else the first room Graph lists) for room features, a known person (else the
first directory user who is not a room) for people features; without one the
permission is NOT_TESTED, with the reason. A refused token stops the test:
the rest are NOT_TESTED with Entra's hint.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.directory import DirectoryUser, RoomPlace
from transom.domain.errors import NotFoundError
from transom.domain.onboarding import (
    COVERED_BY,
    PermissionCheck,
    PermissionStatus,
    RequiredPermission,
    TenantFeature,
    features_from_stored,
    narrow_needs,
    required_permissions,
)
from transom.graph import GraphTenantClient
from transom.sync.credentials import MissingCredentialsError
from transom.sync.env import SyncEnv
from transom.sync.permission_probes import (
    Probe,
    ProbeResult,
    fetch_organization,
    fetch_rooms,
    fetch_users,
    run_probe,
)

TEST_TIMEOUT = 90.0
ROOM_FEATURES = (TenantFeature.ROOMS, TenantFeature.DOOR_DISPLAYS)
DIRECTORY_PROBES = {
    "Organization.Read.All": ("reading the organization", fetch_organization),
    "Place.Read.All": ("listing the rooms (Places)", fetch_rooms),
    "User.Read.All": ("listing users", fetch_users),
}


class _Mailboxes:
    """The mailboxes to probe with, found in Transom or by the probes."""

    def __init__(self, room: str | None, person: str | None) -> None:
        self.room = room
        self.person = person
        self.room_addresses: set[str] = set()

    def learn(self, result: ProbeResult) -> None:
        if result.status is not PermissionStatus.GRANTED:
            return
        if result.permission == "Place.Read.All":
            rooms: list[RoomPlace] = list(result.answer or [])
            self.room_addresses = {r.email.lower() for r in rooms if r.email}
            if self.room is None and rooms:
                self.room = rooms[0].email
        if result.permission == "User.Read.All" and self.person is None:
            users: list[DirectoryUser] = list(result.answer or [])
            self.person = next(
                (
                    u.primary_email
                    for u in users
                    if u.primary_email
                    and u.account_enabled
                    and u.primary_email.lower() not in self.room_addresses
                ),
                None,
            )


async def test_permissions(
    env: SyncEnv, tenant_id: str
) -> tuple[tuple[TenantFeature, ...], tuple[PermissionCheck, ...]]:
    """The tenant's features and what each of their permissions' probe found."""
    async with env.sessions() as session:
        tenant = await session.get(models.Tenant, tenant_id)
        if tenant is None:
            raise NotFoundError.of("Tenant", tenant_id)
        mailboxes = _Mailboxes(
            await _linked_room(session, tenant_id), await _person(session, tenant_id)
        )
    features = features_from_stored(tenant.settings)
    wanted = required_permissions(features)
    try:
        graph = await env.clients.fresh(tenant)
    except MissingCredentialsError as exc:
        return features, tuple(_untested(p, str(exc), exc.hint) for p in wanted)
    async with graph:
        with anyio.fail_after(TEST_TIMEOUT):
            checks = await _probe_all(graph, wanted, mailboxes, features, env.clock())
    return features, checks


async def _probe_all(
    graph: GraphTenantClient,
    wanted: tuple[RequiredPermission, ...],
    mailboxes: _Mailboxes,
    features: tuple[TenantFeature, ...],
    now: datetime,
) -> tuple[PermissionCheck, ...]:
    # Directory permissions first: they find the mailboxes the others probe.
    ordered = sorted(wanted, key=lambda p: p.permission not in DIRECTORY_PROBES)
    found: dict[str, PermissionCheck] = {}
    stop: ProbeResult | None = None
    for permission in ordered:
        if stop is not None:
            found[permission.permission] = _untested(
                permission, "not tested: Entra ID refused the token", stop.hint
            )
            continue
        probe = _probe_for(permission, mailboxes, features, now)
        if isinstance(probe, str):
            found[permission.permission] = _untested(permission, probe, None)
            continue
        result = await run_probe(probe, graph)
        mailboxes.learn(result)
        if result.token_failed:
            stop = result
        found[permission.permission] = PermissionCheck(
            permission.permission,
            permission.features,
            result.status,
            result.message,
            result.hint,
            result.code,
        )
    checks = [found[p.permission] for p in wanted]
    if stop is None:
        checks += await _narrower(graph, checks, mailboxes, features, now)
    return tuple(checks)


async def _narrower(
    graph: GraphTenantClient,
    checks: list[PermissionCheck],
    mailboxes: _Mailboxes,
    features: tuple[TenantFeature, ...],
    now: datetime,
) -> list[PermissionCheck]:
    """A broader permission is missing (MailboxSettings.ReadWrite): features
    that need only the narrower one (MailboxSettings.Read) may still work, so
    that one is tried too."""
    extra = []
    for check in checks:
        narrow = next((n for n, b in COVERED_BY.items() if b == check.permission), None)
        users = narrow_needs(features, check.permission)
        if check.status is not PermissionStatus.MISSING or not narrow or not users:
            continue
        required = RequiredPermission(narrow, users, ())
        probe = _probe_for(required, mailboxes, features, now)
        if isinstance(probe, str):
            extra.append(_untested(required, probe, None))
            continue
        result = await run_probe(probe, graph)
        extra.append(
            PermissionCheck(
                narrow, users, result.status, result.message, result.hint, result.code
            )
        )
    return extra


def _probe_for(
    permission: RequiredPermission,
    mailboxes: _Mailboxes,
    features: tuple[TenantFeature, ...],
    now: datetime,
) -> Probe | str:
    """The probe, or why there is none (no mailbox to try it on)."""
    name = permission.permission
    if name in DIRECTORY_PROBES:
        purpose, call = DIRECTORY_PROBES[name]
        return Probe(name, purpose, call)
    on_room = name == "MailboxSettings.Read" or (
        name == "Calendars.ReadWrite" and any(f in features for f in ROOM_FEATURES)
    )
    mailbox = mailboxes.room if on_room else mailboxes.person
    if mailbox is None:
        needs = "Place.Read.All" if on_room else "User.Read.All"
        kind = "room mailbox" if on_room else "person's mailbox"
        return f"not tested: no {kind} to try it on (Transom finds one with {needs})"
    hour = (now, now + timedelta(hours=1))
    if name == "MailboxSettings.ReadWrite":
        return Probe(
            name,
            f"an empty update of the mailbox settings of {mailbox}",
            lambda graph: graph.check_mailbox_settings_write(mailbox),
        )
    if name.startswith("MailboxSettings."):
        return Probe(
            name,
            f"reading the mailbox settings of room {mailbox}",
            lambda graph: graph.fetch_mailbox(mailbox),
        )
    return Probe(
        name,
        f"reading the calendar of {mailbox}",
        lambda graph: graph.fetch_calendar_view(mailbox, *hour),
    )


def _untested(
    permission: RequiredPermission, message: str, hint: str | None
) -> PermissionCheck:
    return PermissionCheck(
        permission.permission,
        permission.features,
        PermissionStatus.NOT_TESTED,
        message,
        hint,
    )


async def _linked_room(session: AsyncSession, tenant_id: str) -> str | None:
    return await session.scalar(
        select(models.Room.mailbox_email).where(
            models.Room.tenant_id == tenant_id,
            models.Room.link_state == "LINKED",
            models.Room.mailbox_email.is_not(None),
        )
    )


async def _person(session: AsyncSession, tenant_id: str) -> str | None:
    return await session.scalar(
        select(models.Person.primary_email).where(models.Person.tenant_id == tenant_id)
    )
