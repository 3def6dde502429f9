"""A process stopped cleanly (SIGTERM) gives its writes back at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.processes import transom_serve
from tests.servers import free_port
from tests.sync.bursts import book_burst, linked_rooms
from tests.sync.harness import Api, control, eventually, sync_env
from transom.db import models
from transom.db.engine import create_engine, create_sessions

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(180)]


async def test_sigterm_gives_a_write_in_flight_back_without_waiting_for_its_lease(
    emulator, database_url, tenant_token, tmp_path
):
    # given a write under way in a process while Graph answers slowly
    port = free_port()
    env = sync_env(
        database_url,
        tmp_path,
        emulator_url=emulator.url,
        public_url=f"http://127.0.0.1:{port}",
    )
    tenant_id, token = tenant_token
    engine = create_engine(database_url)
    sessions = create_sessions(engine)

    async def create_row() -> models.OutboxItem | None:
        async with sessions() as session:
            return await session.scalar(
                select(models.OutboxItem).where(
                    models.OutboxItem.kind == "booking.create"
                )
            )

    try:
        with transom_serve(env, tmp_path / "data", port=port) as server:
            api = Api(server.url, token, tenant_id)
            rooms = await linked_rooms(api)
            await control(emulator.url, "POST", "/faults", latencyMs=5000)
            [booked] = await book_burst(api, rooms, count=1)

            async def running() -> models.OutboxItem | None:
                row = await create_row()
                return row if row and row.status == "RUNNING" else None

            await eventually(running, 10, "the create running")
            # when the process is told to stop
            server.process.terminate()
            server.process.wait(timeout=20)

        # then the write is due again at once, its attempt not counted
        row = await create_row()
        assert row is not None
        assert row.status == "PENDING"
        assert row.attempts == 0
        assert row.next_attempt_at <= datetime.now(UTC) + timedelta(seconds=1)
        await control(emulator.url, "DELETE", "/faults")

        # and the next process books it
        with transom_serve(env, tmp_path / "data", port=port) as server:
            api = Api(server.url, token, tenant_id)

            async def confirmed() -> bool:
                async with sessions() as session:
                    found = await session.get(models.Booking, booked.id)
                return found is not None and found.state == "CONFIRMED"

            await eventually(confirmed, 20, "booking confirmed")
    finally:
        await engine.dispose()
