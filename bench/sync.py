"""Benchmark the Exchange -> Transom sync against the Graph emulator, over HTTP.

200 room mailboxes with two weeks of meetings (booked the Outlook way: the room
is a resource attendee and the attendant accepts), Transom with sync on and
change notifications to its own URL. Prints:

1. initial import: connectTenant + importRooms + linkRoomMailbox for every room
   until every room is IN_SYNC - wall time and Graph requests (emulator stats);
2. steady state: for ``--steady`` seconds meetings are created, moved and
   cancelled in Outlook at ``--changes`` per room per hour (time-compressed:
   the same number of changes happen in the window), every change must reach
   Transom; prints Graph requests per change, and per room per hour at that
   rate plus the background the engine schedules (a reconciliation delta round
   an hour after the last round, subscription renewal about daily, connection
   check every 6 h); ``bench/reconcile.py`` measures the reconciliation itself.

Usage: ``.venv/bin/python bench/sync.py [--rooms 200] [--steady 60] [--changes 1]``
(``TRANSOM_BENCH_DATABASE_URL`` picks a database; default SQLite in a temp dir).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import free_port, serve_in_thread
from transom.app import create_app
from transom.db.engine import create_engine, create_sessions
from transom.db.migrate import upgrade_to_head
from transom.db.tenants import create_tenant
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.calendars import create_event
from transom.emulator.provisioning import add_room, add_user
from transom.emulator.store import Emulator
from transom.settings import Settings
from transom.sync.calendars.subscriptions import MAX_RENEW_MARGIN

DOMAIN = "contoso.onmicrosoft.com"
ROOMS_QUERY = "{ rooms { id mailbox sync { status } } }"


def populate(emulator: Emulator, rooms: int, people: int, rng: random.Random) -> int:
    tenant = emulator.tenants[TENANT_ID]
    room_users = [
        add_room(emulator, TENANT_ID, f"Room {n:03d}", f"room{n:03d}",
                 capacity=4 + n % 12, building=f"Building {n % 5}", floor=n % 4)
        for n in range(rooms)
    ]  # fmt: skip
    persons = [
        add_user(emulator, TENANT_ID, f"Person {n}", f"p{n}") for n in range(people)
    ]
    today = datetime.now(UTC).date()
    count = 0
    for room in room_users:
        for offset in range(14):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for hour in sorted(rng.sample(range(8, 17), k=rng.randint(2, 4))):
                organizer = rng.choice(persons)
                create_event(
                    emulator, tenant, organizer, _meeting(room.mail, day, hour, rng)
                )
                count += 1
        emulator.drain()
    return count


def _meeting(
    room: str | None, day: date, hour: int, rng: random.Random
) -> dict[str, Any]:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    end = start + timedelta(minutes=rng.choice([30, 60]))
    return {
        "subject": rng.choice(["Sync", "Review", "Planning", "1:1", "Demo"]),
        "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "attendees": [{"type": "resource", "emailAddress": {"address": room}}],
    }


async def prepare_tenant(settings: Settings) -> tuple[str, str]:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with create_sessions(engine)() as session:
            tenant = await create_tenant(session, name="Bench")
            _, token = await create_token(session, tenant_id=tenant.id, role=Role.ADMIN)
            await session.commit()
    finally:
        await engine.dispose()
    return tenant.id, token


class Client:
    def __init__(self, base: str, token: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}
        )

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = (
            await self.http.post(
                "/graphql", json={"query": query, "variables": variables}
            )
        ).json()
        if "errors" in body:
            raise RuntimeError(body["errors"])
        return body["data"]  # type: ignore[no-any-return]


async def graph_requests(emulator_url: str) -> dict[str, int]:
    async with httpx.AsyncClient(base_url=emulator_url) as http:
        stats = (await http.get("/_emulator/stats")).json()["requests"]
    return {k: v for k, v in stats.items() if "/_emulator" not in k}


async def initial_import(client: Client, tenant_id: str, rooms: int) -> None:
    connect = await client.data(
        "mutation ($i: ConnectTenantInput!) { connectTenant(input: $i) { connectionTest { status message } } }",
        i={"tenantId": tenant_id, "directoryId": TENANT_ID, "clientId": CLIENT_ID,
           "clientSecret": CLIENT_SECRET},
    )  # fmt: skip
    assert connect["connectTenant"]["connectionTest"]["status"] == "CONNECTED", connect
    imported = await client.data(
        "mutation ($t: ID!) { importRooms(tenantId: $t) { rooms { id mailbox } } }",
        t=tenant_id,
    )
    found = imported["importRooms"]["rooms"]
    assert len(found) == rooms, len(found)
    gate = asyncio.Semaphore(16)

    async def link(room: dict[str, str]) -> None:
        async with gate:
            data = await client.data(
                "mutation ($r: ID!, $e: String!) { linkRoomMailbox(roomId: $r, email: $e) { room { linkState } } }",
                r=room["id"], e=room["mailbox"],
            )  # fmt: skip
            assert data["linkRoomMailbox"]["room"]["linkState"] == "VERIFIED", data

    await asyncio.gather(*(link(r) for r in found))
    while True:
        rooms_now = (await client.data(ROOMS_QUERY))["rooms"]
        if all(r["sync"] and r["sync"]["status"] == "IN_SYNC" for r in rooms_now):
            return
        await asyncio.sleep(0.2)


async def steady_state(
    client: Client, emulator_url: str, seconds: float, changes: int, rng: random.Random
) -> int:
    """Create meetings in Outlook spread over ``seconds``; wait until each shows."""
    rooms = (await client.data(ROOMS_QUERY))["rooms"]
    day = datetime.now(UTC).date() + timedelta(days=20)
    made: list[tuple[str, str]] = []
    async with httpx.AsyncClient(base_url=emulator_url, timeout=30) as outlook:
        for n in range(changes):
            room = rng.choice(rooms)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                hours=n
            )
            subject = f"Steady {n}"
            response = await outlook.post("/_emulator/outlook/api/events", json={
                "tenant": TENANT_ID, "user": f"p{n % 10}@{DOMAIN}", "subject": subject,
                "start": start.isoformat(), "end": (start + timedelta(minutes=30)).isoformat(),
                "room": room["mailbox"]})  # fmt: skip
            response.raise_for_status()
            made.append((room["id"], subject))
            await asyncio.sleep(seconds / max(changes, 1))
    since = (datetime.now(UTC) + timedelta(days=19)).isoformat()
    until = (datetime.now(UTC) + timedelta(days=22, hours=changes)).isoformat()
    query = "query ($r: ID!, $s: DateTime!, $e: DateTime!) { room(id: $r) { bookings(start: $s, end: $e) { subject } } }"
    for room_id, subject in made:
        for _ in range(200):
            found = (await client.data(query, r=room_id, s=since, e=until))["room"][
                "bookings"
            ]
            if any(b["subject"] == subject for b in found):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"{subject} never reached Transom: {found}")
    return len(made)


async def run(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    emulator_app = create_emulator(seed="empty", attendant_delay=0.05)
    began = time.perf_counter()
    meetings = populate(emulator_app.state.emulator, args.rooms, 60, rng)
    print(f"emulator: {args.rooms} rooms, {meetings} meetings over two weeks "
          f"(seeded in {time.perf_counter() - began:.1f} s)")  # fmt: skip
    data_dir = Path(tempfile.mkdtemp(prefix="transom-bench-"))
    port = free_port()
    with serve_in_thread(emulator_app) as emulator_url:
        settings = Settings.from_env({
            "TRANSOM_DATA_DIR": str(data_dir),
            "TRANSOM_DATABASE_URL": os.environ.get("TRANSOM_BENCH_DATABASE_URL", ""),
            "TRANSOM_GRAPH_URL": emulator_url, "TRANSOM_AUTHORITY_URL": emulator_url,
            "TRANSOM_PUBLIC_URL": f"http://127.0.0.1:{port}",
        })  # fmt: skip
        tenant_id, token = await prepare_tenant(settings)
        with serve_in_thread(create_app(settings), port=port) as base:
            client = Client(base, token)
            async with httpx.AsyncClient(base_url=emulator_url) as http:
                await http.delete("/_emulator/stats")
            began = time.perf_counter()
            await initial_import(client, tenant_id, args.rooms)
            took = time.perf_counter() - began
            used = await graph_requests(emulator_url)
            total = sum(used.values())
            print(f"initial import: {took:.1f} s for {args.rooms} rooms "
                  f"(target < 60 s); Graph requests: {total} "
                  f"({total / args.rooms:.1f} per room)")  # fmt: skip
            for path, count in sorted(used.items(), key=lambda kv: -kv[1])[:8]:
                print(f"  {count:6d}  {path}")
            async with httpx.AsyncClient(base_url=emulator_url) as http:
                await http.delete("/_emulator/stats")
            # the window compresses an hour of changes at the given rate
            changes = max(1, round(args.rooms * args.changes))
            began = time.perf_counter()
            done = await steady_state(client, emulator_url, args.steady, changes, rng)
            window = time.perf_counter() - began
            used = await graph_requests(emulator_url)
            total = sum(used.values())
            await client.http.aclose()
    per_change = total / done
    reconcile = timedelta(seconds=Settings.reconcile_interval_seconds)
    background = (
        3600 / reconcile.total_seconds() + 3600 / MAX_RENEW_MARGIN.total_seconds()
    )
    per_room_hour = args.changes * per_change + background
    print(f"steady state: {done} Outlook changes in {window:.0f} s, all in Transom; "
          f"Graph requests: {total} ({per_change:.2f} per change)")  # fmt: skip
    for path, count in sorted(used.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {count:6d}  {path}")
    print(f"steady state per room per hour at {args.changes:g} change(s)/room/hour: "
          f"{args.changes:g} x {per_change:.2f} + background {background:.2f} "
          f"(reconciliation delta at most every {reconcile}, renewal about daily) = "
          f"{per_room_hour:.2f} req/room/hour (target < 2)")  # fmt: skip
    print(f"  under 2 req/room/hour up to {(2 - background) / per_change:.2f} "
          "changes per room per hour")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--steady", type=float, default=60.0, help="seconds")
    parser.add_argument(
        "--changes",
        type=float,
        default=0.5,
        help="Outlook changes per room per hour (0.5: 12 a day, a busy room)",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
