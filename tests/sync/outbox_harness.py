"""A booking world for outbox tests: emulator over HTTP, app over HTTP, a worker.

- ``booking_world``: a running emulator (core directory: Adele, Megan, Room 1,
  Room 2), Transom served against it (sync loops off), a tenant connected with
  the emulator's app, Room 1 linked to ``room1@…``, an admin GraphQL client.
- ``running_worker(world)``: an :class:`OutboxWorker` in a task group for the
  body of an ``async with``, cancelled after it.
- ``exchange(world)`` (:mod:`tests.emulated_tenant`): the real msgraph-sdk
  against the emulator, to assert on what Exchange holds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio
import pytest
from sqlalchemy import select

from tests.emulated_tenant import (
    EmulatedTenant,
    add_connected_tenant,
    against,
    own_sessions,
    run_seed,
    serve_transom,
    system_clock,
)
from tests.emulator.core_directory import ADELE, ROOM1, core_app, eventually
from tests.servers import serve_in_thread
from transom.db import models
from transom.db.engine import Sessions
from transom.pubsub import MemoryBus
from transom.settings import Settings
from transom.sync.outbox.worker import OutboxWorker

BOOK = """
mutation Book($input: BookRoomInput!) {
  bookRoom(input: $input) {
    booking { id state source declineReason organizer { email anonymous } }
    conflictingBooking { id }
    userErrors { field message code hint }
  }
}
"""
CANCEL = """
mutation Cancel($id: ID!) { cancelBooking(id: $id) { booking { id state } } }
"""
BOOKING_STATE = """
query Bookings($start: DateTime!, $end: DateTime!) {
  rooms { id bookings(start: $start, end: $end) { id state declineReason } }
}
"""


@dataclass
class BookingWorld(EmulatedTenant):
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
        return result["booking"]  # type: ignore[no-any-return]

    def book_refused(self, **fields: Any) -> dict[str, Any]:
        """bookRoom's payload when it is expected to answer userErrors."""
        start, end = self.slot()
        values = {"roomId": self.room_id, "start": start, "end": end, "subject": "S"}
        body = self.api.post(BOOK, {"input": values | fields})
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["bookRoom"]
        assert payload["userErrors"], payload
        return payload

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


async def seed_contoso(
    sessions: Sessions, settings: Settings
) -> tuple[str, str, str, str]:
    """Tenant (connected with the emulator's app), Room 1 linked to ``room1@…``,
    Room 2 unlinked, an admin token: their ids and the token."""
    async with sessions() as session:
        tenant, token = await add_connected_tenant(session, settings, token_name="test")
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
        await session.commit()
        return tenant.id, rooms[0].id, rooms[1].id, token


@pytest.fixture
def booking_world(settings: Settings) -> Iterator[BookingWorld]:
    app = core_app()
    with serve_in_thread(app) as emulator_url:
        graph_settings = against(settings, emulator_url)
        tenant_id, room_id, room2_id, token = run_seed(graph_settings, seed_contoso)
        with serve_transom(graph_settings, token) as api:
            yield BookingWorld(
                settings=graph_settings,
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
    async with own_sessions(booking_world) as world:
        yield world


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


async def add_person(world: BookingWorld, email: str = ADELE, name: str = "Adele"):
    async with world.sessions() as session:
        session.add(
            models.Person(
                tenant_id=world.tenant_id, primary_email=email, display_name=name
            )
        )
        await session.commit()
