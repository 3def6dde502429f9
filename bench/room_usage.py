"""Benchmark ``roomUsage`` for 200 rooms x 1 year of bookings, over HTTP, on
SQLite and on PostgreSQL.

Seeds one tenant with 200 rooms (10 buildings, 4 floors each) and a year of
meetings (2-5 per room and working day, 30-120 min; some booked at the door,
checked in, released, ended early, extended, cancelled or declined), then
times the ``roomUsage`` query of the admin Analytics page over the whole year
for ROOM and BUILDING (``--groupings``) against ``transom`` served by uvicorn in
this process. Prints the median of five runs (after one warm-up), wall time and
this process's CPU time, against the target, 1 s.

SQLite always (a file in a temp dir); PostgreSQL when a server is given with
``--postgres URL`` or ``TRANSOM_TEST_DATABASE_URL`` (e.g.
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``): the bench makes a
database of its own there and drops it at the end.

Usage: ``.venv/bin/python bench/room_usage.py [--rooms 200] [--postgres URL]
[--sqlite-only]``
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

from tests.databases import PG_ENV, PostgresDatabase
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
RUNS = 5
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


def bench(url: str, data_dir: Path, rooms: int, groupings: list[str]) -> None:
    settings = settings_for(data_dir, url)
    began = time.perf_counter()
    tenant_id, token, bookings = asyncio.run(seed(settings, rooms))
    seeded = time.perf_counter() - began
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{backend}: {rooms} rooms, {bookings} bookings over 365 days "
        f"(seeded in {seeded:.1f} s)"
    )
    with (
        serve_in_thread(create_app(settings)) as base,
        httpx.Client(
            base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}
        ) as client,
    ):
        for grouping in groupings:
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(PG_ENV),
        help=f"a PostgreSQL server (URL of a database to connect to; default ${PG_ENV})",
    )
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--groupings", default="ROOM,BUILDING")
    args = parser.parse_args()
    groupings = args.groupings.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite+aiosqlite:///{tmp}/b.db", Path(tmp), args.rooms, groupings)
    if args.postgres and not args.sqlite_only:
        database = PostgresDatabase(args.postgres)  # its own, migrated
        try:
            with tempfile.TemporaryDirectory() as tmp:
                bench(database.url, Path(tmp), args.rooms, groupings)
        finally:
            database.drop()
    elif not args.sqlite_only:
        print(f"PostgreSQL: skipped (no --postgres and no ${PG_ENV})")


if __name__ == "__main__":
    main()
