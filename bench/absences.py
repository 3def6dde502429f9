"""Benchmark absences into Outlook against the Graph emulator, over HTTP.

1,000 users are added to the emulator, Transom imports them (``syncPeople``),
HR imports 5,000 approved absences (``importAbsences``, 1,000 per call), and
the absence writer syncs them with ``$batch``. Prints the wall time and the
Graph HTTP requests the emulator saw (token requests included) for the sync,
against the targets: under 60 s and under 400 requests.

Usage: ``.venv/bin/python bench/absences.py [--people 1000] [--absences 5000]``
(``TRANSOM_BENCH_DATABASE_URL`` picks a database; default SQLite in a temp dir).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from tests.emulated_tenant import seed_tenant
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.db import models
from transom.db.engine import create_engine, create_sessions
from transom.db.migrate import upgrade_to_head
from transom.emulator import TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.provisioning import add_user
from transom.graph import RequestCounter
from transom.pubsub import MemoryBus
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.graph_clients import TenantClients
from transom.sync.outbox.absences import AbsenceWriter

DOMAIN = "contoso.onmicrosoft.com"
IMPORT = """
mutation I($absences: [RegisterAbsenceInput!]!) {
  importAbsences(absences: $absences) { created userErrors { field message } }
}
"""
SYNC_PEOPLE = (
    "mutation S($t: ID!) { syncPeople(tenantId: $t) { imported { created total } } }"
)
KINDS = ("VACATION", "SICK", "WORKING_FROM_HOME", "COURSE", "TIME_OFF_IN_LIEU")


def settings_for(data_dir: Path, emulator_url: str) -> Settings:
    url = os.environ.get("TRANSOM_BENCH_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{data_dir / 'bench.db'}"
    )
    return Settings.from_env(
        {
            "TRANSOM_DATA_DIR": str(data_dir),
            "TRANSOM_DATABASE_URL": url,
            "TRANSOM_SECRET_KEY": "bench-secret-key-" + "x" * 32,
            "TRANSOM_RUN_SYNC": "false",
            "TRANSOM_GRAPH_URL": emulator_url,
            "TRANSOM_AUTHORITY_URL": emulator_url,
        }
    )


async def seed(settings: Settings) -> tuple[str, str]:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        return await seed_tenant(
            create_sessions(engine),
            settings,
            token_name="bench",
            time_zone="Europe/Copenhagen",
        )
    finally:
        await engine.dispose()


def absences(people: int, count: int) -> list[dict[str, Any]]:
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    found = []
    for n in range(count):
        person = n % people
        day = start + timedelta(days=7 * (n // people))
        found.append(
            {
                "personEmail": f"user{person:04d}@{DOMAIN}",
                "kind": KINDS[n % len(KINDS)],
                "start": day.isoformat(),
                "end": (day + timedelta(hours=8)).isoformat(),
                "approved": True,
                "externalId": f"hr-{n}",
            }
        )
    return found


async def sync_all(settings: Settings, counter: RequestCounter) -> float:
    engine = create_engine(settings.database_url)
    sessions = create_sessions(engine)
    clients = TenantClients(settings, SecretBox(str(settings.secret_key)), counter)
    writer = AbsenceWriter(
        sessions=sessions,
        bus=MemoryBus(),
        clock=lambda: datetime.now(UTC),
        client_for=clients.client,
        idle_seconds=0.05,
    )
    began = time.perf_counter()
    try:
        while await pending(sessions) > 0:
            await writer.run_due()
        return time.perf_counter() - began
    finally:
        await clients.aclose()
        await engine.dispose()


async def pending(sessions: Any) -> int:
    async with sessions() as session:
        found: int = await session.scalar(
            select(func.count()).where(
                models.Absence.sync_state.in_(("PENDING", "HELD"))
            )
        )
    return found


async def states(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessions(engine)() as session:
            rows = await session.execute(
                select(models.Absence.sync_state, func.count()).group_by(
                    models.Absence.sync_state
                )
            )
            return {str(row[0]): int(row[1]) for row in rows.all()}
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--absences", type=int, default=5000)
    args = parser.parse_args()
    emulator_app = create_emulator(seed="empty")
    for n in range(args.people):
        add_user(
            emulator_app.state.emulator, TENANT_ID, f"User {n:04d}", f"user{n:04d}"
        )
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_in_thread(emulator_app) as emulator_url,
    ):
        settings = settings_for(Path(tmp), emulator_url)
        tenant_id, token = asyncio.run(seed(settings))
        headers = {"Authorization": f"Bearer {token}"}
        with (
            serve_in_thread(create_app(settings)) as url,
            httpx.Client(base_url=url, headers=headers, timeout=600) as api,
        ):
            api.post(
                "/graphql", json={"query": SYNC_PEOPLE, "variables": {"t": tenant_id}}
            ).raise_for_status()
            entries = absences(args.people, args.absences)
            began = time.perf_counter()
            for chunk in range(0, len(entries), 1000):
                answer = api.post(
                    "/graphql",
                    json={
                        "query": IMPORT,
                        "variables": {"absences": entries[chunk : chunk + 1000]},
                    },
                ).json()
                assert "errors" not in answer, answer
                assert not answer["data"]["importAbsences"]["userErrors"], answer
            imported = time.perf_counter() - began
        with httpx.Client(base_url=emulator_url) as control:
            control.delete("/_emulator/stats")
            counter = RequestCounter()
            seconds = asyncio.run(sync_all(settings, counter))
            stats = control.get("/_emulator/stats").json()["requests"]
        final = asyncio.run(states(settings))
    print(f"people: {args.people}, absences: {args.absences}")
    print(f"import (5 x importAbsences over HTTP): {imported:.1f} s")
    print(
        f"sync to Outlook: {seconds:.1f} s (target < 60 s), "
        f"{counter.total} Graph HTTP requests (target < 400): "
        f"{counter.graph_requests} to Graph, {counter.token_requests} for tokens"
    )
    print(f"the emulator saw (batch items counted singly): {stats}")
    print(f"absence states: {final}")


if __name__ == "__main__":
    main()
