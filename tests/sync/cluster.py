"""Several `transom serve` processes on PostgreSQL + Redis behind a round-robin proxy.

- ``cluster(database_url, tmp_path, processes)``: the emulator (``ROOMS`` rooms and
  Adele), the processes (sync on, notified through the proxy) and the proxy.
- ``seed``, ``link_all``: a tenant and token; every room linked and in sync.
- ``outlook_meetings`` / ``all_arrived``: a meeting made in Outlook in each room,
  and waiting until Transom lists them all.
- ``owners``: how many sync leases each process holds.

Used by ``tests/sync/test_cluster.py`` and ``bench/cluster.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import select

from tests.emulator.graph_clients import graph_client
from tests.factories import make_tenant, make_token
from tests.processes import TransomProcess
from tests.pubsub.backends import pubsub_url
from tests.round_robin import round_robin_app
from tests.servers import free_port, serve_in_thread
from tests.sync.harness import Api, address, eventually, sync_env
from tests.sync.outlook import book
from transom.db import models
from transom.db.engine import create_engine, create_sessions
from transom.emulator import TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.provisioning import add_room, add_user

ADELE = address("adele")


ROOMS = 50
BOOKINGS = """query ($start: DateTime!, $end: DateTime!) {
  rooms { id bookings(start: $start, end: $end) { subject } } }"""


def mailbox(n: int) -> str:
    return address(f"room{n:02d}")


@contextmanager
def cluster(
    database_url: str,
    tmp_path: Path,
    processes: int = 3,
    rooms: int = ROOMS,
    reconcile_seconds: float = 3600.0,
) -> Iterator[dict[str, Any]]:
    """The emulator, ``processes`` Transoms and the proxy in front of them."""
    emulator = create_emulator(seed="empty", attendant_delay=0.05)
    for n in range(rooms):
        add_room(
            emulator.state.emulator,
            TENANT_ID,
            f"Room {n:02d}",
            f"room{n:02d}",
            capacity=6,
        )
    add_user(emulator.state.emulator, TENANT_ID, "Adele Vance", "adele")
    ports = [free_port() for _ in range(processes)]
    proxy_port = free_port()
    with ExitStack() as stack:
        emulator_url = stack.enter_context(serve_in_thread(emulator))
        env = sync_env(
            database_url,
            tmp_path,
            emulator_url=emulator_url,
            public_url=f"http://127.0.0.1:{proxy_port}",
            reconcile_seconds=reconcile_seconds,
        )
        env["TRANSOM_PUBSUB_URL"] = pubsub_url("redis")
        servers = [
            TransomProcess.start(env, tmp_path / f"p{n}", port=port)
            for n, port in enumerate(ports)
        ]
        for server in servers:
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready()
        backends = [s.url for s in servers]
        proxy = stack.enter_context(
            serve_in_thread(round_robin_app(backends), port=proxy_port)
        )
        yield {"emulator": emulator_url, "servers": servers, "proxy": proxy}


async def owners(database_url: str) -> Counter[str]:
    engine = create_engine(database_url)
    try:
        async with create_sessions(engine)() as session:
            rows = await session.scalars(select(models.SyncLease.owner))
            return Counter(rows.all())
    finally:
        await engine.dispose()


async def seed(database_url: str) -> tuple[str, str]:
    engine = create_engine(database_url)
    try:
        async with create_sessions(engine)() as session:
            tenant = await make_tenant(session)
            return tenant.id, await make_token(session, tenant)
    finally:
        await engine.dispose()


async def link_all(api: Api, count: int = ROOMS) -> dict[str, str]:
    await api.connect()
    imported = await api.import_rooms()
    rooms = {}
    for n in range(count):
        room = await api.link(imported[mailbox(n)], mailbox(n))
        rooms[mailbox(n)] = room["id"]
    for room_id in rooms.values():
        await api.in_sync(room_id, within=60)
    return rooms


async def outlook_meetings(emulator_url: str, mailboxes: list[str], hour: int):
    day = datetime.now(UTC).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    async with graph_client(emulator_url) as outlook, anyio.create_task_group() as tg:
        for box in mailboxes:
            tg.start_soon(
                    book, outlook, ADELE, f"Made in Outlook at {hour} in {box}", start,
                    start + timedelta(minutes=30), (box,),
                )  # fmt: skip


async def all_arrived(api: Api, boxes: list[str], hour: int, within: float) -> None:
    async def check() -> bool:
        now = datetime.now(UTC)
        found = await api.data(
            BOOKINGS, start=now.isoformat(), end=(now + timedelta(days=3)).isoformat()
        )
        subjects = {s["subject"] for r in found["rooms"] for s in r["bookings"]}
        return all(f"Made in Outlook at {hour} in {box}" in subjects for box in boxes)

    await eventually(check, within, "meetings made in Outlook")
