"""The tenant's people: directory import and one-step calendar connection.

``sync_people`` imports every directory user (primary address and the aliases
of ``proxyAddresses``) into ``people``, except room mailboxes (the Places
rooms and the tenant's linked rooms): new users are added, known ones (by
Graph id, else by address) updated, users gone from the directory are kept but
marked NO_MAILBOX (their absences stay). It runs on request (``syncPeople``)
and daily (:class:`DirectoryRefresher`), both through :func:`refresh_directory`,
which also connects newcomers' calendars once a tenant connected calendars.

``connect_people_calendars`` checks, in ``$batch``es of 20, that the app can
read each person's calendar and records a status per person::

    NOT_CONNECTED --read ok--> SYNCING --(sync.person_calendars loop)--> SYNCED
                  --403 access policy--> ACCESS_DENIED (hint)
                  --404 no mailbox-----> NO_MAILBOX
                  --other error--------> ERROR

Graph calls never run inside a database session.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from sqlalchemy import select

from transom.db import models
from transom.db.engine import Sessions
from transom.domain.availability import AVAILABILITY_SETTING, AvailabilityRules
from transom.domain.connection import is_blocking
from transom.domain.directory import CalendarStatus, DirectoryUser
from transom.graph import (
    BatchItem,
    GraphAuthError,
    GraphError,
    GraphTenantClient,
    MailboxAccessDeniedError,
    MailboxNotFoundError,
)
from transom.graph.directory import user_path
from transom.graph.timezones import format_utc
from transom.sync.commands.errors import graph_failures_as_errors
from transom.sync.credentials import MissingCredentialsError

log = logging.getLogger(__name__)

ClientFor = Callable[[models.Tenant], Awaitable[GraphTenantClient]]
REFRESH_EVERY = timedelta(days=1)
COMMAND_TIMEOUT = 120.0


@dataclass(frozen=True)
class PeopleImport:
    created: int
    updated: int
    missing: int
    total: int


@dataclass(frozen=True)
class CalendarConnection:
    """Progress of connecting a tenant's calendars: counts per status."""

    total: int
    counts: dict[str, int]


async def sync_people(
    sessions: Sessions, client: GraphTenantClient, *, tenant_id: str, now: datetime
) -> PeopleImport:
    users = [u for u in await client.fetch_users() if u.account_enabled]
    # Room mailboxes are directory users too; they are rooms, not people.
    rooms = {r.email.lower() for r in await client.fetch_rooms()}
    async with sessions() as session:
        rooms.update(
            m.lower()
            for m in (
                await session.scalars(
                    select(models.Room.mailbox_email).where(
                        models.Room.tenant_id == tenant_id,
                        models.Room.mailbox_email.is_not(None),
                    )
                )
            ).all()
            if m
        )
        users = [u for u in users if not rooms.intersection(_addresses(u))]
        people = (
            await session.scalars(
                select(models.Person).where(models.Person.tenant_id == tenant_id)
            )
        ).all()
        tenant = await session.get(models.Tenant, tenant_id)
        stored = (tenant.settings if tenant else None) or {}
        rules = AvailabilityRules.from_stored(stored.get(AVAILABILITY_SETTING))
        newcomers_follow = rules.newcomers_follow_calendar
        by_id = {p.graph_user_id: p for p in people if p.graph_user_id}
        by_address = {p.primary_email.lower(): p for p in people}
        created = updated = 0
        seen: set[str] = set()
        for user in users:
            address = (user.primary_email or user.user_principal_name).lower()
            if not address:
                continue
            person = by_id.get(user.id) or by_address.get(address)
            if person is None:
                person = models.Person(
                    tenant_id=tenant_id,
                    created_at=now,
                    availability_follows_calendar=newcomers_follow,
                )
                session.add(person)
                by_address[address] = person
                created += 1
            elif _differs(person, user, address):
                updated += 1
            _assign(person, user, address, now)
            seen.add(address)
        missing = 0
        for person in people:
            if person.primary_email.lower() not in seen:
                person.calendar_status = CalendarStatus.NO_MAILBOX.value
                person.calendar_error = "not in the directory any more"
                missing += 1
        await session.commit()
    return PeopleImport(created, updated, missing, len(seen))


def _addresses(user: DirectoryUser) -> set[str]:
    found = {a.lower() for a in user.addresses}
    if user.user_principal_name:
        found.add(user.user_principal_name.lower())
    return found


def _differs(person: models.Person, user: DirectoryUser, address: str) -> bool:
    return (
        person.primary_email != address
        or list(person.aliases or []) != list(user.aliases)
        or person.display_name != user.display_name
        or person.graph_user_id != user.id
    )


def _assign(
    person: models.Person, user: DirectoryUser, address: str, now: datetime
) -> None:
    person.primary_email = address
    person.aliases = [a.lower() for a in user.aliases if a.lower() != address]
    person.display_name = user.display_name or address
    person.graph_user_id = user.id
    person.directory_synced_at = now
    if user.primary_email is None:
        person.calendar_status = CalendarStatus.NO_MAILBOX.value
        person.calendar_error = "the user has no Exchange Online mailbox"
    elif person.calendar_status == CalendarStatus.NO_MAILBOX.value:
        # Back in the directory, or given a mailbox: connect again to follow it.
        person.calendar_status = CalendarStatus.NOT_CONNECTED.value
        person.calendar_error = person.calendar_hint = None


async def connect_people_calendars(
    sessions: Sessions, client: GraphTenantClient, *, tenant_id: str, now: datetime
) -> CalendarConnection:
    """Check calendar access of every person with a mailbox; a status for each."""
    async with sessions() as session:
        people = (
            await session.scalars(
                select(models.Person).where(models.Person.tenant_id == tenant_id)
            )
        ).all()
    candidates = [
        p for p in people if p.calendar_status != CalendarStatus.NO_MAILBOX.value
    ]
    statuses = await _check_access(client, candidates, now)
    async with sessions() as session:
        for person_id, (status, error, hint) in statuses.items():
            row = await session.get(models.Person, person_id)
            if row is None:
                continue
            if not (
                status is CalendarStatus.SYNCING
                and row.calendar_status == CalendarStatus.SYNCED.value
            ):  # an already followed calendar stays SYNCED
                row.calendar_status = status.value
                row.calendar_error, row.calendar_hint = error, hint
        await session.commit()
    return await calendar_progress(sessions, tenant_id=tenant_id)


Verdict = tuple[CalendarStatus, str | None, str | None]


async def _check_access(
    client: GraphTenantClient, people: list[models.Person], now: datetime
) -> dict[str, Verdict]:
    window = (
        f"startDateTime={format_utc(now)}"
        f"&endDateTime={format_utc(now + timedelta(minutes=1))}&$top=1&$select=id"
    )
    items = [
        BatchItem(
            f"p{n}",
            "GET",
            f"{user_path(p.primary_email)}/calendarView?{window}",
            mailbox=p.primary_email,
        )
        for n, p in enumerate(people)
    ]
    if not items:
        return {}
    answers = await client.run_batches(items, concurrency=4)
    found: dict[str, Verdict] = {}
    for answer, person in zip(answers, people, strict=True):
        found[person.id] = _verdict(answer.error())
    return found


def _verdict(error: GraphError | None) -> Verdict:
    if error is None:
        return CalendarStatus.SYNCING, None, None
    if isinstance(error, GraphAuthError):
        raise error
    if isinstance(error, MailboxAccessDeniedError):
        return CalendarStatus.ACCESS_DENIED, error.message, error.hint
    if isinstance(error, MailboxNotFoundError):
        return CalendarStatus.NO_MAILBOX, error.message, error.hint
    return CalendarStatus.ERROR, error.message, error.hint


async def calendar_progress(
    sessions: Sessions, *, tenant_id: str
) -> CalendarConnection:
    async with sessions() as session:
        rows = await session.scalars(
            select(models.Person.calendar_status).where(
                models.Person.tenant_id == tenant_id
            )
        )
        statuses = list(rows.all())
    counts = {s.value: 0 for s in CalendarStatus}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return CalendarConnection(total=len(statuses), counts=counts)


class DirectoryRefresher:
    """Re-imports each connected tenant's directory once a day; in a tenant
    whose calendars were connected, newcomers' calendars are connected too.

    Example::

        task_group.start_soon(DirectoryRefresher(sessions, clients.client, clock).run)
    """

    def __init__(
        self,
        sessions: Sessions,
        client_for: ClientFor,
        clock: Callable[[], datetime],
        *,
        check_seconds: float = 3600.0,
        active: Callable[[], bool] = lambda: True,
    ) -> None:
        self._sessions = sessions
        self._client_for = client_for
        self._clock = clock
        self._check_seconds = check_seconds
        self._active = active  # whether this process runs the deployment's one

    async def run(self) -> None:
        while True:
            if self._active():
                await self.refresh_due()
            await anyio.sleep(self._check_seconds)

    async def refresh_due(self) -> int:
        """Import the directories last imported over a day ago; how many."""
        now = self._clock()
        async with self._sessions() as session:
            rows = await session.execute(
                select(models.Tenant, models.Person.directory_synced_at)
                .join(models.Person, models.Person.tenant_id == models.Tenant.id)
                .where(models.Tenant.client_id.is_not(None))
            )
            last: dict[str, tuple[models.Tenant, datetime | None]] = {}
            for tenant, synced in rows.tuples().all():
                known = last.get(tenant.id)
                if known is None or (synced and (known[1] or synced) <= synced):
                    last[tenant.id] = (tenant, synced)
        done = 0
        for tenant, synced in last.values():
            if synced is not None and now - synced < REFRESH_EVERY:
                continue
            if is_blocking(tenant.connection_status):
                continue  # an admin must fix the credentials first
            try:
                client = await self._client_for(tenant)
                await refresh_directory(
                    self._sessions, client, tenant_id=tenant.id, now=now
                )
                done += 1
            except (GraphError, MissingCredentialsError, TimeoutError) as exc:
                log.warning("directory refresh of %s failed: %s", tenant.id, exc)
        return done


async def refresh_directory(
    sessions: Sessions, client: GraphTenantClient, *, tenant_id: str, now: datetime
) -> PeopleImport:
    """Import the directory; where calendars were connected, connect newcomers'
    too (and check everyone's access again)."""
    imported = await sync_people(sessions, client, tenant_id=tenant_id, now=now)
    if await _calendars_connected(sessions, tenant_id=tenant_id):
        await connect_people_calendars(sessions, client, tenant_id=tenant_id, now=now)
    return imported


async def _calendars_connected(sessions: Sessions, *, tenant_id: str) -> bool:
    async with sessions() as session:
        found = await session.scalar(
            select(models.Person.id)
            .where(
                models.Person.tenant_id == tenant_id,
                models.Person.calendar_status.in_(
                    [CalendarStatus.SYNCING.value, CalendarStatus.SYNCED.value]
                ),
            )
            .limit(1)
        )
    return found is not None


async def sync_people_now(
    sessions: Sessions, client: GraphTenantClient, *, tenant_id: str, now: datetime
) -> PeopleImport:
    """``syncPeople``: the directory refresh on request."""
    with (
        graph_failures_as_errors("importing the directory"),
        anyio.fail_after(COMMAND_TIMEOUT),
    ):
        return await refresh_directory(sessions, client, tenant_id=tenant_id, now=now)


async def connect_calendars_now(
    sessions: Sessions, client: GraphTenantClient, *, tenant_id: str, now: datetime
) -> tuple[PeopleImport, CalendarConnection]:
    """``connectPeopleCalendars``: import the directory, then check every calendar."""
    with (
        graph_failures_as_errors("connecting the calendars"),
        anyio.fail_after(COMMAND_TIMEOUT),
    ):
        imported = await sync_people(sessions, client, tenant_id=tenant_id, now=now)
        progress = await connect_people_calendars(
            sessions, client, tenant_id=tenant_id, now=now
        )
    return imported, progress
