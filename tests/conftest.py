from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from tests.databases import PG_ENV, PostgresDatabase, SqliteTemplate, postgres_url
from tests.graphql_client import GraphQLClient
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.db.engine import Sessions, create_engine, create_sessions
from transom.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _one_database(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``one_database`` runs on SQLite only: a page driven in
    Chromium whose every query its API tests already run on both databases."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and (
            callspec.params.get("database_template") == "postgresql"
        )
        (dropped if on_postgres and "one_database" in item.keywords else kept).append(
            item
        )
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqliteTemplate | PostgresDatabase]:
    """Every database test runs on SQLite and again on PostgreSQL."""
    if request.param == "sqlite":
        yield SqliteTemplate(tmp_path_factory.mktemp("template"))
        return
    admin_url = postgres_url()
    if admin_url is None and os.environ.get("TRANSOM_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"TRANSOM_REQUIRE_POSTGRES=1 but {PG_ENV} is not set")
    if admin_url is None:
        pytest.skip(f"PostgreSQL: set {PG_ENV} to run these on PostgreSQL too")
    database = PostgresDatabase(admin_url)
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def database_url(
    database_template: SqliteTemplate | PostgresDatabase, tmp_path: Path
) -> str:
    if isinstance(database_template, SqliteTemplate):
        return database_template.fresh(tmp_path)
    return database_template.fresh()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    env = {
        "TRANSOM_DATA_DIR": str(tmp_path / "data"),
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "TRANSOM_RUN_SYNC": "false",
    }
    return Settings.from_env(env)


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[Sessions]:
    engine = create_engine(settings.database_url)
    try:
        yield create_sessions(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def session(sessions: Sessions) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


class Clock:
    """A settable clock injected into the app (never frozen time)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))


@pytest.fixture
def server(settings: Settings, clock: Clock) -> Iterator[str]:
    with serve_in_thread(create_app(settings, clock=clock)) as base_url:
        yield base_url


@pytest.fixture
def api(server: str) -> Iterator[GraphQLClient]:
    with GraphQLClient(server) as client:
        yield client


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    _one_database(config, items)
    if os.environ.get("TRANSOM_REQUIRE_BROWSER") == "1":
        return
    if not Path("/usr/bin/chromium").exists():
        skip = pytest.mark.skip(reason="no Chromium at /usr/bin/chromium")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def empty_database_url() -> Iterator[str]:
    """A PostgreSQL database with nothing in it (SQLite is the one-process
    default: several processes are a PostgreSQL deployment)."""
    admin = postgres_url()
    if admin is None and os.environ.get("TRANSOM_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"TRANSOM_REQUIRE_POSTGRES=1 but {PG_ENV} is not set")
    if admin is None:
        pytest.skip(f"several processes need PostgreSQL: set {PG_ENV}")
    name = f"transom_empty_{uuid.uuid4().hex[:10]}"
    asyncio.run(
        PostgresDatabase._run(admin, f'CREATE DATABASE "{name}"', autocommit=True)
    )
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        asyncio.run(PostgresDatabase._run(admin, drop, autocommit=True))
