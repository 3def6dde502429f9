"""An HR world for absence tests: emulator and Transom over HTTP, an absence writer.

- ``hr_world``: the emulator with the core directory (Adele with alias
  ``adele@contoso.example``, Megan, Alex without mailbox), Transom served
  against it (sync loops off), a tenant connected with the emulator's app, its
  directory imported through ``syncPeople``, and an admin GraphQL client.
- ``running_writer(world)``: an :class:`AbsenceWriter` in a task group for the
  body of an ``async with``.
- ``await world.data(query, variables)``: GraphQL calls from async tests run in
  a worker thread. A blocking HTTP call on the test's event loop would freeze
  the writer running on that loop, possibly mid-transaction holding a row lock
  the server's mutation then waits for: a deadlock until the HTTP timeout.
- ``exchange(world)`` (:mod:`tests.emulated_tenant`): the real msgraph-sdk
  against the emulator, to see what Exchange holds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any

import anyio
import pytest
from sqlalchemy import select

from tests.emulated_tenant import (
    EmulatedTenant,
    against,
    own_sessions,
    run_seed,
    seed_tenant,
    serve_transom,
    system_clock,
)
from tests.emulator.core_directory import core_app
from tests.servers import serve_in_thread
from transom.db import models
from transom.pubsub import MemoryBus
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.graph_clients import TenantClients
from transom.sync.outbox.absences import AbsenceWriter

ABSENCE_FIELDS = "id kind start end allDay approval syncState lastError syncHint"
REGISTER = f"""
mutation Register($input: RegisterAbsenceInput!) {{
  registerAbsence(input: $input) {{ absence {{ {ABSENCE_FIELDS} }} }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateAbsenceInput!) {{
  updateAbsence(id: $id, input: $input) {{ absence {{ {ABSENCE_FIELDS} }} }}
}}
"""
APPROVE = f"""
mutation A($id: ID!) {{ approveAbsence(id: $id) {{ absence {{ {ABSENCE_FIELDS} }} }} }}"""
REJECT = f"""
mutation R($id: ID!) {{ rejectAbsence(id: $id) {{ absence {{ {ABSENCE_FIELDS} }} }} }}"""
DELETE = "mutation D($id: ID!) { deleteAbsence(id: $id) { deletedAbsenceId } }"
SYNC_PEOPLE = """
mutation Sync($tenantId: ID!) {
  syncPeople(tenantId: $tenantId) { imported { created total } } }
"""


ABSENCES_FROM = datetime.now(UTC).date() + timedelta(days=7)
"""The tests' absences lie a week ahead, so they never end before the test runs."""


def at(day: int, hour: int) -> str:
    """ISO time ``hour``:00 UTC on day ``day`` of the absences' week."""
    moment = datetime.combine(
        ABSENCES_FROM + timedelta(days=day), time(hour), tzinfo=UTC
    )
    return moment.isoformat()


@dataclass
class HrWorld(EmulatedTenant):
    async def register(self, **fields: Any) -> dict[str, Any]:
        values = {
            "personEmail": "adelev@contoso.onmicrosoft.com",
            "kind": "VACATION",
            "start": at(0, 8),
            "end": at(2, 16),
            "approved": True,
        }
        values.update(fields)
        found: dict[str, Any] = (await self.data(REGISTER, {"input": values}))[
            "registerAbsence"
        ]["absence"]
        return found

    async def absence(self, absence_id: str) -> models.Absence:
        async with self.sessions() as session:
            row = await session.get(models.Absence, absence_id)
        assert row is not None
        return row

    async def outbox_rows(self, absence_id: str) -> list[models.OutboxItem]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(models.OutboxItem).where(
                    models.OutboxItem.absence_id == absence_id
                )
            )
            return list(rows.all())

    async def set_policy(self, **policy: Any) -> None:
        async with self.sessions() as session:
            tenant = await session.get(models.Tenant, self.tenant_id)
            assert tenant is not None
            tenant.settings = {**(tenant.settings or {}), "absencePolicy": policy}
            await session.commit()


@pytest.fixture
def hr_world_sync(settings: Settings) -> Iterator[HrWorld]:
    app = core_app()
    with serve_in_thread(app) as emulator_url:
        graph_settings = against(settings, emulator_url)
        tenant_id, token = run_seed(
            graph_settings, partial(seed_tenant, token_name="hr")
        )
        with serve_transom(graph_settings, token) as api:
            api.data(SYNC_PEOPLE, {"tenantId": tenant_id})
            yield HrWorld(
                settings=graph_settings,
                emulator_url=emulator_url,
                emulator=app.state.emulator,
                api=api,
                tenant_id=tenant_id,
            )


@pytest.fixture
async def world(hr_world_sync: HrWorld) -> AsyncIterator[HrWorld]:
    """``hr_world_sync`` with sessions of the test's own event loop."""
    async with own_sessions(hr_world_sync) as world:
        yield world


@asynccontextmanager
async def running_writer(
    world: HrWorld, *, claim_limit: int = 400
) -> AsyncIterator[AbsenceWriter]:
    box = SecretBox(str(world.settings.secret_key))
    clients = TenantClients(world.settings, box)
    writer = AbsenceWriter(
        sessions=world.sessions,
        bus=MemoryBus(),
        clock=system_clock,
        client_for=clients.client,
        idle_seconds=0.1,
        claim_limit=claim_limit,
    )
    try:
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(writer.run)
            try:
                yield writer
            finally:
                task_group.cancel_scope.cancel()
    except BaseExceptionGroup as group:
        # The body's own failure (an assertion): show it, not the task group's.
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise
    finally:
        await clients.aclose()
