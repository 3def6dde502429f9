from __future__ import annotations

import httpx
import pytest
from sqlalchemy import inspect

from transom.db.engine import create_engine
from transom.db.migrate import is_current

pytestmark = pytest.mark.anyio


async def test_migrated_database_is_current_and_has_every_table(settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        assert await is_current(engine)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert {
        "tenants", "rooms", "bookings", "people", "absences", "displays", "admin_users",
        "admin_sessions", "sync_log",
        "api_tokens", "mailbox_sync_states", "outbox",
    } <= tables  # fmt: skip


async def test_health_and_readiness(server) -> None:
    async with httpx.AsyncClient(base_url=server) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["migrations"] == "current"
