"""Benchmark a burst of bookings with notifications on, against the Graph emulator.

Transom (sync on, change notifications to its own URL) and the emulator run in
this process's threads over real HTTP. ``--count`` ``bookRoom`` calls, ``--in-flight``
at a time, over three rooms (every other one with a directory organizer), with
``--faults`` share of Graph requests answered 429/503. Prints:

1. time until every booking is CONFIRMED, and whether each is exactly once in
   Transom and in Exchange (duplicates and missing counted);
2. Graph requests the burst cost (emulator stats), per booking;
3. cancel ``--cancel`` of them: time until all are gone from Exchange.

Usage: ``.venv/bin/python bench/bursts.py [--count 100] [--in-flight 8] [--faults 0.3]``
(``TRANSOM_BENCH_DATABASE_URL`` picks a database; default SQLite in a temp dir).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import free_port, serve_in_thread
from tests.sync.bursts import (
    assert_exactly_once,
    book_burst,
    cancel_all,
    linked_rooms,
    settled,
)
from tests.sync.harness import Api, provision, sync_settings
from transom.app import create_app
from transom.db.engine import create_engine, create_sessions
from transom.db.migrate import upgrade_to_head
from transom.db.tenants import create_tenant
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.emulator import create_app as create_emulator


async def seed(database_url: str) -> tuple[str, str]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    async with create_sessions(engine)() as session:
        tenant = await create_tenant(session, name="Contoso", time_zone="UTC")
        _, token = await create_token(
            session, tenant_id=tenant.id, role=Role.ADMIN, name="bench"
        )
        await session.commit()
    await engine.dispose()
    return tenant.id, token


async def until(check, within: float) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while time.perf_counter() - started < within:
        if await check():
            return time.perf_counter() - started
        await asyncio.sleep(0.05)
    raise TimeoutError(f"not within {within} s")


async def stats(emulator_url: str, method: str = "GET") -> int:
    async with httpx.AsyncClient(base_url=emulator_url) as http:
        response = await http.request(method, "/_emulator/stats")
    if method != "GET":
        return 0
    return sum(int(n) for n in response.json()["requests"].values())


async def run(args: argparse.Namespace, workdir: Path) -> None:
    database_url = os.environ.get(
        "TRANSOM_BENCH_DATABASE_URL", f"sqlite+aiosqlite:///{workdir}/bench.db"
    )
    tenant_id, token = await seed(database_url)
    emulator_app = create_emulator(seed="empty", attendant_delay=0.05)
    provision(emulator_app.state.emulator)
    port = free_port()
    with serve_in_thread(emulator_app) as emulator_url:
        settings = sync_settings(
            database_url,
            workdir,
            emulator_url=emulator_url,
            public_url=f"http://127.0.0.1:{port}",
        )
        with serve_in_thread(create_app(settings), port=port) as url:
            api = Api(url, token, tenant_id)
            rooms = await linked_rooms(api)
            await measure(api, emulator_url, rooms, args)


async def measure(
    api: Api, emulator_url: str, rooms: dict[str, str], args: argparse.Namespace
) -> None:
    await stats(emulator_url, "DELETE")
    if args.faults:
        async with httpx.AsyncClient(base_url=emulator_url) as http:
            await http.post(
                "/_emulator/faults",
                json={
                    "throttleShare": args.faults / 2,
                    "unavailableShare": args.faults / 2,
                    "retryAfterSeconds": 1,
                    "seed": 3,
                },
            )
    started = time.perf_counter()
    booked = await book_burst(api, rooms, count=args.count, in_flight=args.in_flight)
    answered = time.perf_counter() - started
    await until(lambda: settled(api, booked), 600)
    confirmed = time.perf_counter() - started
    async with httpx.AsyncClient(base_url=emulator_url) as http:
        await http.delete("/_emulator/faults")
    requests = await stats(emulator_url)
    try:
        await assert_exactly_once(api, emulator_url, booked)
        verdict = "exactly once in Transom and in Exchange"
    except AssertionError as exc:
        verdict = f"NOT exactly once: {exc}"
    print(f"{args.count} bookRoom calls, {args.in_flight} in flight, "
          f"faults {args.faults:.0%}")  # fmt: skip
    print(f"  all answered by the API:   {answered:6.2f} s")
    print(f"  all CONFIRMED:             {confirmed:6.2f} s  ({verdict})")
    print(f"  Graph requests:            {requests} ({requests / args.count:.1f} "
          "per booking, incl. retries and the delta rounds notifications caused)")  # fmt: skip
    cancelled = booked[: args.cancel]
    gone = frozenset(b.id for b in cancelled)
    started = time.perf_counter()
    await cancel_all(api, cancelled)

    async def withdrawn() -> bool:
        try:
            await assert_exactly_once(api, emulator_url, booked, cancelled=gone)
        except AssertionError:
            return False
        return True

    print(f"  {len(cancelled)} cancelled, gone from Exchange after "
          f"{await until(withdrawn, 120):.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--faults", type=float, default=0.0)
    parser.add_argument("--cancel", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        asyncio.run(run(args, Path(workdir)))


if __name__ == "__main__":
    main()
