"""Benchmark ``roomUsage`` for 200 rooms x 1 year of bookings, over HTTP.

Seeds one tenant with 200 rooms (10 buildings, 4 floors each) and a year of
meetings (2-5 per room and working day, 30-120 min; some booked at the door,
checked in, released, ended early, extended, cancelled or declined), then
times the ``roomUsage`` query of the admin Analytics page over the whole year
for ROOM and BUILDING (``--groupings``) against ``transom`` served by uvicorn in this process.
Prints the median of three runs (after one warm-up) against the target, 1 s.

Usage: ``.venv/bin/python bench/room_usage.py [--rooms 200] [--database-url URL]``
(default SQLite in a temp dir; e.g. ``postgresql+asyncpg://postgres@127.0.0.1:5432/bench``
for PostgreSQL: the database must exist and be empty).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from tests.servers import serve_in_thread
from transom.app import create_app
from transom.db import models
from transom.db import tenants as tenant_repo
from transom.db.engine import create_engine, create_sessions
from transom.db.migrate import upgrade_to_head
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.settings import Settings

QUERY = (
    Path(__file__).parents[1] / "schema/operations/web/RoomUsage.graphql"
).read_text()
TARGET = 1.0
RUNS = 3
YEAR_END = datetime(2026, 12, 1, tzinfo=UTC)  # fixed: the same data every run
YEAR_START = YEAR_END - timedelta(days=365)


def settings_for(data_dir: Path, url: str | None) -> Settings:
    return Settings.from_env(
        {
            "TRANSOM_DATA_DIR": str(data_dir),
            "TRANSOM_DATABASE_URL": url or f"sqlite+aiosqlite:///{data_dir / 'b.db'}",
            "TRANSOM_SECRET_KEY": "bench-secret-key-" + "x" * 32,
            "TRANSOM_RUN_SYNC": "false",
        }
    )


def meetings_of(
    room_id: str, tenant_id: str, rng: random.Random
) -> list[dict[str, Any]]:
    rows = []
    day = YEAR_START
    while day < YEAR_END:
        if day.weekday() < 5:
            for hour in sorted(rng.sample(range(7, 17), rng.randint(2, 5))):
                rows.append(meeting(room_id, tenant_id, day, hour, rng))
        day += timedelta(days=1)
    return rows


def meeting(
    room_id: str, tenant_id: str, day: datetime, hour: int, rng: random.Random
) -> dict[str, Any]:
    start = day + timedelta(hours=hour)
    end = start + timedelta(minutes=rng.choice((30, 45, 60, 60, 90, 120)))
    fate = rng.random()
    return {
        "id": models.new_id(),
        "tenant_id": tenant_id,
        "room_id": room_id,
        "start": start,
        "end": end,
        "source": "DISPLAY" if fate < 0.1 else "OUTLOOK",
        "state": "CANCELLED"
        if 0.85 < fate < 0.97
        else "DECLINED"
        if fate >= 0.97
        else "CONFIRMED",
        "checked_in_at": start if fate < 0.6 else None,
        "released_at": start + timedelta(minutes=10) if 0.85 < fate < 0.9 else None,
        "ended_early_at": start + timedelta(minutes=20) if 0.05 < fate < 0.08 else None,
        "extended_at": start + timedelta(minutes=25) if 0.2 < fate < 0.23 else None,
        "is_anonymous": False,
        "is_private": False,
        "subject": "Planning",
        "created_at": start,
        "updated_at": start,
    }


async def seed(settings: Settings, rooms: int) -> tuple[str, str, int]:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        sessions = create_sessions(engine)
        async with sessions() as session:
            tenant = await tenant_repo.create_tenant(
                session, name="Contoso", time_zone="Europe/Copenhagen"
            )
            _, token = await create_token(
                session, tenant_id=tenant.id, role=Role.READER, name="bench"
            )
            room_rows = [
                {
                    "id": models.new_id(),
                    "tenant_id": tenant.id,
                    "name": f"Room {n:03d}",
                    "building": f"Building {n % 10}",
                    "floor": str(n // 10 % 4),
                    "link_state": "UNLINKED",
                    "created_at": YEAR_START,
                }
                for n in range(rooms)
            ]
            await session.execute(insert(models.Room.__table__), room_rows)
            rng = random.Random(17)
            total = 0
            for room in room_rows:
                rows = meetings_of(room["id"], tenant.id, rng)
                await session.execute(insert(models.Booking.__table__), rows)
                total += len(rows)
            await session.commit()
            return tenant.id, token, total
    finally:
        await engine.dispose()


def timed(client: httpx.Client, variables: dict[str, Any]) -> tuple[float, float]:
    """Wall seconds and CPU seconds of this process (server and client threads:
    on a loaded machine the wall time includes waiting for a core)."""
    began, cpu = time.perf_counter(), time.process_time()
    response = client.post("/graphql", json={"query": QUERY, "variables": variables})
    elapsed = time.perf_counter() - began, time.process_time() - cpu
    body = response.json()
    assert "errors" not in body, body
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--groupings", default="ROOM,BUILDING")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(Path(tmp), args.database_url)
        began = time.perf_counter()
        tenant_id, token, bookings = asyncio.run(seed(settings, args.rooms))
        seeded = time.perf_counter() - began
        backend = settings.database_url.split(":")[0]
        print(
            f"{backend}: {args.rooms} rooms, {bookings} bookings over 365 days "
            f"(seeded in {seeded:.1f} s)"
        )
        with (
            serve_in_thread(create_app(settings)) as url,
            httpx.Client(
                base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"}
            ) as client,
        ):
            for grouping in args.groupings.split(","):
                variables = {
                    "tenantId": tenant_id,
                    "from": YEAR_START.isoformat(),
                    "to": YEAR_END.isoformat(),
                    "groupBy": grouping,
                }
                timed(client, variables)
                runs = [timed(client, variables) for _ in range(RUNS)]
                median = statistics.median(wall for wall, _ in runs)
                cpu = statistics.median(cpu for _, cpu in runs)
                verdict = "ok" if median < TARGET else "OVER TARGET"
                print(
                    f"  roomUsage groupBy {grouping}: median {median * 1000:.0f} ms "
                    f"wall, {cpu * 1000:.0f} ms CPU, of {RUNS}; target < "
                    f"{TARGET:.0f} s: {verdict}; load average {os.getloadavg()[0]:.1f}"
                )


if __name__ == "__main__":
    main()
