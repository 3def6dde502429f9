"""A booking world for outbox tests: emulator over HTTP, app over HTTP, a worker.

- ``booking_world``: a running emulator (core directory: Adele, Megan, Room 1,
  Room 2), Transom served against it (sync loops off), a tenant connected with
  the emulator's app, Room 1 linked to ``room1@…``, an admin GraphQL client.
- ``running_worker(world)``: an :class:`OutboxWorker` in a task group for the
  body of an ``async with``, cancelled after it.
- ``exchange(world)``: the real msgraph-sdk against the emulator, to assert on
  what Exchange holds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import pytest
from msgraph import GraphServiceClient
from sqlalchemy import select

from tests.emulator.core_directory import ADELE, ROOM1, core_app, eventually
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
from transom.sync.outbox import OutboxWorker

APP_PATH = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}"

BOOK = """
mutation Book($input: BookRoomInput!) {
  bookRoom(input: $input) {
    __typename
    ... on Booking { id state source declineReason organizer { email } }
    ... on BookingConflict { message conflictingBooking { id } }
    ... on RoomNotLinked { message hint }
  }
}
"""
CANCEL = """
mutation Cancel($id: ID!) { cancelBooking(id: $id) { id state } }
"""
BOOKING_STATE = """
query Bookings($start: DateTime!, $end: DateTime!) {
  rooms { id bookings(start: $start, end: $end) { id state declineReason } }
}
"""


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class BookingWorld:
    settings: Settings
    sessions: Sessions
    emulator_url: str
    emulator: Emulator
    api: GraphQLClient
    tenant_id: str
    room_id: str
    room2_id: str

    def slot(self, hours_ahead: int = 26, minutes: int = 60) -> tuple[str, str]:
        """An ISO start/end pair on the hour, ``hours_ahead`` from now."""
        start = system_clock().replace(minute=0, second=0, microsecond=0)
        start += timedelta(hours=hours_ahead)
        return start.isoformat(), (start + timedelta(minutes=minutes)).isoformat()

    def book(self, **fields: Any) -> dict[str, Any]:
        start, end = self.slot()
        values = {"roomId": self.room_id, "start": start, "end": end}
        values.setdefault("subject", "Planning")
        values.update(fields)
        result: dict[str, Any] = self.api.data(BOOK, {"input": values})["bookRoom"]
        return result

    async def booking(self, booking_id: str) -> models.Booking:
        async with self.sessions() as session:
            row = await session.get(models.Booking, booking_id)
        assert row is not None
        return row

    async def outbox(self, booking_id: str) -> list[models.OutboxItem]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(models.OutboxItem)
                .where(models.OutboxItem.booking_id == booking_id)
                .order_by(models.OutboxItem.created_at)
            )
            return list(rows.all())

    async def state_becomes(
        self, booking_id: str, state: str, within: float = 20
    ) -> models.Booking:
        async def check() -> models.Booking:
            row = await self.booking(booking_id)
            assert row.state == state, (row.state, row.decline_reason)
            return row

        return await eventually(check, within)

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(base_url=self.emulator_url, timeout=10) as http:
            response = await http.request(method, path, json=body)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None


async def seed_contoso(
    sessions: Sessions, settings: Settings
) -> tuple[str, str, str, str]:
    """Tenant (connected with the emulator's app), Room 1 linked to ``room1@…``,
    Room 2 unlinked, an admin token: their ids and the token."""
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
        rooms = [
            models.Room(
                tenant_id=tenant.id,
                name=name,
                mailbox_email=email,
                link_state="VERIFIED" if email else "UNLINKED",
            )
            for name, email in (("Room 1", ROOM1), ("Room 2", None))
        ]
        session.add_all(rooms)
        _, token = await create_token(
            session, tenant_id=tenant.id, role=Role.ADMIN, name="test"
        )
        await session.commit()
        return tenant.id, rooms[0].id, rooms[1].id, token


@pytest.fixture
def booking_world(settings: Settings) -> Iterator[BookingWorld]:
    app = core_app()
    with serve_in_thread(app) as emulator_url:
        graph_settings = dataclasses.replace(
            settings, graph_url=emulator_url, authority_url=emulator_url
        )

        async def seed() -> tuple[str, str, str, str]:
            engine = create_engine(settings.database_url)
            try:
                return await seed_contoso(create_sessions(engine), graph_settings)
            finally:
                await engine.dispose()

        tenant_id, room_id, room2_id, token = anyio.run(seed)
        server_app = create_app(graph_settings, clock=system_clock)
        with serve_in_thread(server_app) as url, GraphQLClient(url, token) as api:
            yield BookingWorld(
                settings=graph_settings,
                sessions=None,  # type: ignore[arg-type]  # set by the async fixture
                emulator_url=emulator_url,
                emulator=app.state.emulator,
                api=api,
                tenant_id=tenant_id,
                room_id=room_id,
                room2_id=room2_id,
            )


@pytest.fixture
async def world(booking_world: BookingWorld) -> AsyncIterator[BookingWorld]:
    """``booking_world`` with sessions of the test's own event loop."""
    engine = create_engine(booking_world.settings.database_url)
    booking_world.sessions = create_sessions(engine)
    try:
        yield booking_world
    finally:
        await engine.dispose()


def new_worker(world: BookingWorld, **options: Any) -> OutboxWorker:
    options.setdefault("idle_seconds", 0.1)
    return OutboxWorker(
        sessions=world.sessions,
        settings=world.settings,
        bus=MemoryBus(),
        clock=options.pop("clock", system_clock),
        **options,
    )


@asynccontextmanager
async def running_worker(
    world: BookingWorld, **options: Any
) -> AsyncIterator[OutboxWorker]:
    worker = new_worker(world, **options)
    async with anyio.create_task_group() as task_group:
        task_group.start_soon(worker.run)
        try:
            yield worker
        finally:
            task_group.cancel_scope.cancel()


@asynccontextmanager
async def exchange(
    world: BookingWorld, secret: str = CLIENT_SECRET
) -> AsyncIterator[GraphServiceClient]:
    async with graph_client(world.emulator_url, secret=secret) as client:
        yield client


async def events_of(client: GraphServiceClient, mailbox: str) -> list[Any]:
    found = await client.users.by_user_id(mailbox).events.get()
    return list(found.value or []) if found else []


async def add_person(world: BookingWorld, email: str = ADELE, name: str = "Adele"):
    async with world.sessions() as session:
        session.add(
            models.Person(
                tenant_id=world.tenant_id, primary_email=email, display_name=name
            )
        )
        await session.commit()
