"""``transom check`` from start to end: local parts, then every tenant."""

from __future__ import annotations

from datetime import UTC, datetime

import anyio

from transom.check.findings import Finding
from transom.check.local import (
    check_assets,
    check_database,
    check_event_bus,
    check_graphiql,
    check_secret_key,
)
from transom.check.tenants import check_tenants
from transom.db.engine import create_engine, create_sessions, dispose_engine
from transom.pubsub import create_bus
from transom.settings import Settings

BUS_TIMEOUT = 10.0


async def run_check(settings: Settings) -> list[Finding]:
    """Every finding, problems included; nothing is changed (no migration)."""
    findings = [
        Finding.passed("configuration", "TRANSOM_* variables are valid"),
        check_assets(settings.assets_dir),
        check_graphiql(settings),
        await _event_bus(settings),
    ]
    engine = create_engine(settings.database_url)
    try:
        database = await check_database(engine)
        findings.append(database)
        if not database.ok:
            return findings
        secret_key = await check_secret_key(engine, settings)
        findings.append(secret_key)
        if secret_key.ok:
            async with create_sessions(engine)() as session:
                findings += await check_tenants(session, settings, datetime.now(UTC))
    finally:
        await dispose_engine(engine)
    return findings


async def _event_bus(settings: Settings) -> Finding:
    with anyio.move_on_after(BUS_TIMEOUT):
        async with create_bus(settings.pubsub_url, settings.pubsub_namespace) as bus:
            return check_event_bus(bus, settings.pubsub_url)
    return Finding.failed(
        "event bus",
        "TRANSOM_PUBSUB_URL did not answer in time",
        "check TRANSOM_PUBSUB_URL and that its server is up",
    )
