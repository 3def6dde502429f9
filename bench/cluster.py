"""Benchmark several `transom serve` processes sharing the sync work.

PostgreSQL (``TRANSOM_BENCH_DATABASE_URL``, an admin URL: a database of its own
is created and dropped) + Redis (``TRANSOM_TEST_REDIS_URL`` or 127.0.0.1:6379),
the processes behind a round-robin proxy that Graph's webhooks go through, the
Graph emulator in this process. For 1 process and then ``--processes``, prints:

1. change latency: a meeting made in Outlook in every room, until Transom lists
   it (the rooms' API reads, polled every 50 ms: what a display reloads),
   median and p99 over the rooms;
2. Graph requests per room per hour while idle, time-compressed: the
   reconciliation interval is ``--reconcile`` seconds instead of an hour, and
   the requests of ``--idle`` seconds count as ``idle / reconcile`` hours
   (reconciliation and notification upkeep; daily renewals and 6-hourly checks
   add about 0.04 per room per hour);
3. with several processes: kill -9 one, a meeting in every room, and the time
   until all are listed again (its rooms taken over).

Finally the idle requests of ``--processes`` against one process, as a ratio (the
issue's target: within 10 %). The default ``--idle`` is ten minutes, 20 compressed
hours, so that the first reconciliation round after start-up (spread over half
to one interval) weighs little.

Usage: ``.venv/bin/python bench/cluster.py [--rooms 50] [--processes 3] [--idle 600]
[--reconcile 30]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.databases import PostgresDatabase
from tests.sync.cluster import BOOKINGS, cluster, link_all, outlook_meetings, seed
from tests.sync.harness import Api


async def latencies(
    api: Api, emulator_url: str, boxes: list[str], hour: int
) -> list[float]:
    """Seconds from the Outlook create until Transom lists each room's meeting."""
    await outlook_meetings(emulator_url, boxes, hour)
    started = time.perf_counter()  # every meeting is in Exchange now
    seen: dict[str, float] = {}
    while len(seen) < len(boxes) and time.perf_counter() - started < 120:
        now = datetime.now(UTC)
        found = await api.data(
            BOOKINGS, start=now.isoformat(), end=(now + timedelta(days=3)).isoformat()
        )
        subjects = {b["subject"] for r in found["rooms"] for b in r["bookings"]}
        for box in boxes:
            if box not in seen and f"Made in Outlook at {hour} in {box}" in subjects:
                seen[box] = time.perf_counter() - started
        await asyncio.sleep(0.05)
    return sorted(seen.values()) + [float("inf")] * (len(boxes) - len(seen))


async def graph_requests(emulator_url: str, method: str = "GET") -> int:
    async with httpx.AsyncClient(base_url=emulator_url) as http:
        response = await http.request(method, "/_emulator/stats")
    return (
        sum(int(n) for n in response.json()["requests"].values())
        if method == "GET"
        else 0
    )


def p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


async def run(args: argparse.Namespace, processes: int, admin_url: str) -> float:
    """Run one configuration; answer its idle Graph requests per room per hour."""
    name = f"transom_bench_{uuid.uuid4().hex[:8]}"
    await PostgresDatabase._run(admin_url, f'CREATE DATABASE "{name}"', autocommit=True)
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            cluster(
                url,
                Path(tmp),
                processes,
                rooms=args.rooms,
                reconcile_seconds=args.reconcile,
            ) as world,
        ):
            tenant_id, token = await seed(url)
            api = Api(world["proxy"], token, tenant_id)
            rooms = await link_all(api, args.rooms)
            boxes = sorted(rooms)
            await asyncio.sleep(10)  # leases settle, first rounds done
            seen = await latencies(api, world["emulator"], boxes, 9)
            print(f"{processes} process(es), {args.rooms} rooms")
            print(f"  Outlook change -> Transom: median {statistics.median(seen):.2f} s,"
                  f" p99 {p99(seen):.2f} s")  # fmt: skip
            await graph_requests(world["emulator"], "DELETE")
            await asyncio.sleep(args.idle)
            idle = await graph_requests(world["emulator"])
            per_hour = idle / args.rooms / (args.idle / args.reconcile)
            print(f"  idle {args.idle:.0f} s = {args.idle / args.reconcile:.1f} "
                  f"compressed hours: {idle} Graph requests = {per_hour:.2f} "
                  "per room per hour")  # fmt: skip
            if processes > 1:
                world["servers"][0].kill()
                direct = Api(world["servers"][1].url, token, tenant_id)
                taken = await latencies(direct, world["emulator"], boxes, 11)
                print(f"  kill -9 one process: every room's new meeting listed "
                      f"after {max(taken):.1f} s (median {statistics.median(taken):.1f} s)")  # fmt: skip
    finally:
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        await PostgresDatabase._run(admin_url, drop, autocommit=True)
    return per_hour


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--idle", type=float, default=600.0)
    parser.add_argument("--reconcile", type=float, default=30.0)
    args = parser.parse_args()
    admin_url = os.environ.get(
        "TRANSOM_BENCH_DATABASE_URL",
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    )
    one, several = (asyncio.run(run(args, n, admin_url)) for n in (1, args.processes))
    print(f"idle Graph requests, {args.processes} processes / 1 process: "
          f"{several / one:.2f} ({several:.2f} / {one:.2f} per room per hour)")  # fmt: skip


if __name__ == "__main__":
    main()
