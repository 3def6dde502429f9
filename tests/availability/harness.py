"""A tenant whose people's calendars Transom follows, end to end.

- ``people_world``: the emulator with the core directory (Adele with alias
  ``adele@contoso.example``, Megan, Alex without mailbox) and Transom with its
  sync engine on, served on a port whose URL is Transom's public URL, so Graph
  (the emulator) delivers change notifications to ``/webhooks/graph``. The
  tenant is connected with the emulator's app; an admin token calls GraphQL.
- ``await world.data(query, variables)``: GraphQL from async tests, in a worker
  thread so the test's event loop never blocks.
- Outlook is the real msgraph-sdk against the emulator
  (``tests.emulator.graph_clients.graph_client``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.emulated_tenant import (
    EmulatedTenant,
    own_sessions,
    run_seed,
    seed_tenant,
    serve_transom,
)
from tests.emulator.core_directory import core_app
from tests.servers import free_port, serve_in_thread
from tests.sync.harness import sync_settings

CONNECT_PEOPLE = """
mutation C($tenantId: ID!) { connectPeopleCalendars(tenantId: $tenantId) {
  imported { created total }
  progress { total syncing synced noMailbox accessDenied notConnected error } } }
"""
PEOPLE = """
query P($tenantId: ID!) { people(tenantId: $tenantId) { nodes {
  id email aliases calendarStatus calendarError calendarHint
  availabilityFollowsCalendar availability } } }
"""
PERSON_SLOTS = """
query S($tenantId: ID!, $start: DateTime!, $end: DateTime!) {
  people(tenantId: $tenantId) { nodes { email
    busySlots(start: $start, end: $end) {
      start end showAs availability isPrivate subject location } } } }
"""
PROGRESS = """
query G($tenantId: ID!) { peopleCalendarProgress(tenantId: $tenantId) {
  total syncing synced noMailbox accessDenied } }
"""
SYNC_PEOPLE = """
mutation S($tenantId: ID!) { syncPeople(tenantId: $tenantId) { imported { created total } } }
"""
SETTINGS = """
mutation S($tenantId: ID!, $input: AvailabilitySettingsInput!) {
  setAvailabilitySettings(tenantId: $tenantId, input: $input) { settings {
    includeFree freeBusyOnly mapping { showAs availability } } } }
"""
FOLLOWS = """
mutation F($personId: ID!, $follows: Boolean!) {
  setAvailabilityFollowsCalendar(personId: $personId, follows: $follows) { person {
    id availabilityFollowsCalendar } } }
"""


@dataclass
class PeopleWorld(EmulatedTenant):
    url: str
    token: str

    async def connect_people(self) -> dict[str, Any]:
        found = await self.data(CONNECT_PEOPLE, {"tenantId": self.tenant_id})
        result: dict[str, Any] = found["connectPeopleCalendars"]
        return result

    async def people(self) -> dict[str, dict[str, Any]]:
        found = await self.data(PEOPLE, {"tenantId": self.tenant_id})
        return {p["email"]: p for p in found["people"]["nodes"]}

    async def slots(
        self, email: str, start: datetime, end: datetime
    ) -> list[dict[str, Any]]:
        variables = {
            "tenantId": self.tenant_id,
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        found = await self.data(PERSON_SLOTS, variables)
        person = next(p for p in found["people"]["nodes"] if p["email"] == email)
        slots: list[dict[str, Any]] = person["busySlots"]
        return slots

    async def set_availability(self, **values: Any) -> dict[str, Any]:
        found = await self.data(SETTINGS, {"tenantId": self.tenant_id, "input": values})
        result: dict[str, Any] = found["setAvailabilitySettings"]["settings"]
        return result

    async def sql(self, query: str, **params: Any) -> list[Any]:
        """Straight SQL against Transom's database: what is really stored."""
        async with self.sessions() as session:
            rows = await session.execute(text(query), params)
            return list(rows.all())


@pytest.fixture
def people_world_sync(database_url: str, tmp_path: Path) -> Iterator[PeopleWorld]:
    app = core_app()
    port = free_port()
    with serve_in_thread(app) as emulator_url:
        settings = sync_settings(
            database_url,
            tmp_path,
            emulator_url=emulator_url,
            public_url=f"http://127.0.0.1:{port}",
            poll_seconds=60.0,
        )
        seed = partial(
            seed_tenant,
            token_name="switchboard",
            connection_checked_at=datetime.now(UTC),
        )
        tenant_id, token = run_seed(settings, seed)
        with serve_transom(settings, token, port=port) as api:
            yield PeopleWorld(
                settings=settings,
                url=api.base_url,
                emulator_url=emulator_url,
                api=api,
                token=token,
                tenant_id=tenant_id,
                emulator=app.state.emulator,
            )


@pytest.fixture
async def world(people_world_sync: PeopleWorld) -> AsyncIterator[PeopleWorld]:
    """``people_world_sync`` with sessions of the test's own event loop."""
    async with own_sessions(people_world_sync) as world:
        yield world
