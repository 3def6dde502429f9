"""What the worlds that serve Transom over HTTP against the emulator share.

- ``add_connected_tenant(session, settings)``: Contoso, connected with the
  emulator's app, and an admin token for it (flushed, not committed), for seeds
  that add more; ``seed_tenant(sessions, settings)`` commits just those.
- ``run_seed(settings, seed)``: an async seed from a synchronous fixture, on an
  engine and event loop of its own.
- ``serve_transom(settings, token)``: Transom served in a thread on the system
  clock, and a GraphQL client with that token.
- :class:`EmulatedTenant`: the fields every world has, GraphQL from async tests
  (``await world.data(...)``, in a worker thread so the test's event loop never
  blocks: a writer or worker running on that loop could be holding a row lock
  the server's mutation then waits for) and the emulator's control API.
- ``own_sessions(world)``: the world with sessions of the test's own event loop
  (the body of each harness's async ``world`` fixture).
- ``exchange(world)``: the real msgraph-sdk against the emulator, to see what
  Exchange holds; ``events_of(client, mailbox)``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import anyio
import httpx
from msgraph import GraphServiceClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.emulator.graph_clients import graph_client
from tests.graphql_client import GraphQLClient
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.db import models
from transom.db.engine import Sessions, create_engine, create_sessions
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Emulator
from transom.security import SecretBox
from transom.settings import Settings

APP_PATH = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
T = TypeVar("T")
W = TypeVar("W", bound="EmulatedTenant")


def system_clock() -> datetime:
    return datetime.now(UTC)


async def add_connected_tenant(
    session: AsyncSession, settings: Settings, *, token_name: str, **fields: Any
) -> tuple[models.Tenant, str]:
    """Contoso connected with the emulator's app (``fields`` override the
    tenant's columns) and an admin token named ``token_name``; not committed."""
    box = SecretBox(str(settings.secret_key))
    columns: dict[str, Any] = {
        "name": "Contoso",
        "time_zone": "UTC",
        "directory_id": TENANT_ID,
        "client_id": CLIENT_ID,
        "client_secret_encrypted": box.encrypt(CLIENT_SECRET),
        "connection_status": "CONNECTED",
        "settings": {},
    }
    tenant = models.Tenant(**{**columns, **fields})
    session.add(tenant)
    await session.flush()
    _, token = await create_token(
        session, tenant_id=tenant.id, role=Role.ADMIN, name=token_name
    )
    return tenant, token


async def seed_tenant(
    sessions: Sessions, settings: Settings, *, token_name: str, **fields: Any
) -> tuple[str, str]:
    """:func:`add_connected_tenant`, committed: the tenant's id and the token."""
    async with sessions() as session:
        tenant, token = await add_connected_tenant(
            session, settings, token_name=token_name, **fields
        )
        await session.commit()
        return tenant.id, token


def run_seed(
    settings: Settings, seed: Callable[[Sessions, Settings], Awaitable[T]]
) -> T:
    """``seed`` from a synchronous fixture: its own engine, its own event loop."""

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            return await seed(create_sessions(engine), settings)
        finally:
            await engine.dispose()

    return anyio.run(main)


def against(settings: Settings, emulator_url: str) -> Settings:
    """``settings`` with Graph and its authority at the emulator."""
    return dataclasses.replace(
        settings, graph_url=emulator_url, authority_url=emulator_url
    )


@contextmanager
def serve_transom(
    settings: Settings, token: str, port: int | None = None
) -> Iterator[GraphQLClient]:
    """Transom on the system clock in a thread; a GraphQL client with ``token``
    (its ``base_url`` is Transom's)."""
    app = create_app(settings, clock=system_clock)
    with serve_in_thread(app, port=port) as url, GraphQLClient(url, token) as api:
        yield api


@dataclass
class EmulatedTenant:
    settings: Settings
    emulator_url: str
    emulator: Emulator
    api: GraphQLClient
    tenant_id: str
    sessions: Sessions = field(init=False)  # set by own_sessions

    async def data(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """GraphQL off the event loop (see the module docstring)."""
        found: dict[str, Any] = await anyio.to_thread.run_sync(
            functools.partial(self.api.data, query, variables)
        )
        return found

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(base_url=self.emulator_url, timeout=10) as http:
            response = await http.request(method, path, json=body)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None


@asynccontextmanager
async def own_sessions(world: W) -> AsyncIterator[W]:
    """``world`` with sessions of the running (the test's) event loop."""
    engine = create_engine(world.settings.database_url)
    world.sessions = create_sessions(engine)
    try:
        yield world
    finally:
        await engine.dispose()


@asynccontextmanager
async def exchange(
    world: EmulatedTenant, secret: str = CLIENT_SECRET
) -> AsyncIterator[GraphServiceClient]:
    async with graph_client(world.emulator_url, secret=secret) as client:
        yield client


async def events_of(client: GraphServiceClient, mailbox: str) -> list[Any]:
    found = await client.users.by_user_id(mailbox).events.get()
    return list(found.value or []) if found else []
