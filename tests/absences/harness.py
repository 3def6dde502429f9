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
- ``exchange(world)``: the real msgraph-sdk against the emulator, to see what
  Exchange holds.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx
import pytest
from msgraph import GraphServiceClient
from sqlalchemy import select

from tests.emulator.core_directory import core_app
from tests.emulator.graph_clients import graph_client
from tests.graphql_client import GraphQLClient
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.db import models
from transom.db.engine import Sessions, create_engine, create_sessions
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Emulator
from transom.pubsub import MemoryBus
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.absence_writes import AbsenceWriter
from transom.sync.env import TenantClients

APP_PATH = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
ABSENCE_FIELDS = "id kind start end allDay approval syncState lastError syncHint"
REGISTER = f"""
mutation Register($input: RegisterAbsenceInput!) {{
  registerAbsence(input: $input) {{ {ABSENCE_FIELDS} }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateAbsenceInput!) {{
  updateAbsence(id: $id, input: $input) {{ {ABSENCE_FIELDS} }}
}}
"""
APPROVE = f"mutation A($id: ID!) {{ approveAbsence(id: $id) {{ {ABSENCE_FIELDS} }} }}"
REJECT = f"mutation R($id: ID!) {{ rejectAbsence(id: $id) {{ {ABSENCE_FIELDS} }} }}"
DELETE = "mutation D($id: ID!) { deleteAbsence(id: $id) { id } }"
SYNC_PEOPLE = """
mutation Sync($tenantId: ID!) { syncPeople(tenantId: $tenantId) { created total } }
"""


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class HrWorld:
    settings: Settings
    sessions: Sessions
    emulator_url: str
    emulator: Emulator
    api: GraphQLClient
    tenant_id: str

    async def data(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """GraphQL off the event loop (see the module docstring)."""
        found: dict[str, Any] = await anyio.to_thread.run_sync(
            functools.partial(self.api.data, query, variables)
        )
        return found

    async def register(self, **fields: Any) -> dict[str, Any]:
        values = {
            "personEmail": "adelev@contoso.onmicrosoft.com",
            "kind": "VACATION",
            "start": "2026-12-01T08:00:00+00:00",
            "end": "2026-12-03T16:00:00+00:00",
            "approved": True,
        }
        values.update(fields)
        found: dict[str, Any] = (await self.data(REGISTER, {"input": values}))[
            "registerAbsence"
        ]
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

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(base_url=self.emulator_url, timeout=10) as http:
            response = await http.request(method, path, json=body)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None

    async def set_policy(self, **policy: Any) -> None:
        async with self.sessions() as session:
            tenant = await session.get(models.Tenant, self.tenant_id)
            assert tenant is not None
            tenant.settings = {**(tenant.settings or {}), "absencePolicy": policy}
            await session.commit()


async def _seed(sessions: Sessions, settings: Settings) -> tuple[str, str]:
    box = SecretBox(str(settings.secret_key))
    async with sessions() as session:
        tenant = models.Tenant(
            name="Contoso",
            time_zone="UTC",
            directory_id=TENANT_ID,
            client_id=CLIENT_ID,
            client_secret_encrypted=box.encrypt(CLIENT_SECRET),
            connection_status="CONNECTED",
            settings={},
        )
        session.add(tenant)
        await session.flush()
        _, token = await create_token(
            session, tenant_id=tenant.id, role=Role.ADMIN, name="hr"
        )
        await session.commit()
        return tenant.id, token


@pytest.fixture
def hr_world_sync(settings: Settings) -> Iterator[HrWorld]:
    app = core_app()
    with serve_in_thread(app) as emulator_url:
        graph_settings = dataclasses.replace(
            settings, graph_url=emulator_url, authority_url=emulator_url
        )

        async def seed() -> tuple[str, str]:
            engine = create_engine(settings.database_url)
            try:
                return await _seed(create_sessions(engine), graph_settings)
            finally:
                await engine.dispose()

        tenant_id, token = anyio.run(seed)
        server_app = create_app(graph_settings, clock=system_clock)
        with serve_in_thread(server_app) as url, GraphQLClient(url, token) as api:
            api.data(SYNC_PEOPLE, {"tenantId": tenant_id})
            yield HrWorld(
                settings=graph_settings,
                sessions=None,  # type: ignore[arg-type]  # set by the async fixture
                emulator_url=emulator_url,
                emulator=app.state.emulator,
                api=api,
                tenant_id=tenant_id,
            )


@pytest.fixture
async def world(hr_world_sync: HrWorld) -> AsyncIterator[HrWorld]:
    """``hr_world_sync`` with sessions of the test's own event loop."""
    engine = create_engine(hr_world_sync.settings.database_url)
    hr_world_sync.sessions = create_sessions(engine)
    try:
        yield hr_world_sync
    finally:
        await engine.dispose()


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


@asynccontextmanager
async def exchange(
    world: HrWorld, secret: str = CLIENT_SECRET
) -> AsyncIterator[GraphServiceClient]:
    async with graph_client(world.emulator_url, secret=secret) as client:
        yield client


async def events_of(client: GraphServiceClient, mailbox: str) -> list[Any]:
    found = await client.users.by_user_id(mailbox).events.get()
    return list(found.value or []) if found else []
