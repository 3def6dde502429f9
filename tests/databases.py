"""Test databases: SQLite by default, PostgreSQL when TRANSOM_TEST_DATABASE_URL says so.

Migrations run once per session into a template. Per test, SQLite copies the
template file; PostgreSQL truncates every table in a database made for this run.
No rollback tricks: the app, the sync engine and the emulator open their own
connections.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from transom.db.engine import create_engine
from transom.db.migrate import upgrade_to_head
from transom.db.models import Base

PG_ENV = "TRANSOM_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def migrate(url: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        migrate(f"sqlite+aiosqlite:///{self.path}")

    def fresh(self, directory: Path) -> str:
        target = directory / "transom.db"
        shutil.copy(self.path, target)
        return f"sqlite+aiosqlite:///{target}"


class PostgresDatabase:
    """A database of its own for this test run, dropped at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.name = f"transom_test_{uuid.uuid4().hex[:10]}"
        self.url = (
            make_url(admin_url)
            .set(database=self.name)
            .render_as_string(hide_password=False)
        )
        asyncio.run(self._admin(f'CREATE DATABASE "{self.name}"'))
        migrate(self.url)
        self.tables = [t.name for t in Base.metadata.sorted_tables]

    def fresh(self) -> str:
        tables = ", ".join(f'"{t}"' for t in self.tables)
        asyncio.run(self._run(self.url, f"TRUNCATE {tables} CASCADE"))
        return self.url

    def drop(self) -> None:
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    async def _admin(self, sql: str) -> None:
        await self._run(self.admin_url, sql, autocommit=True)

    @staticmethod
    async def _run(url: str, sql: str, *, autocommit: bool = False) -> None:
        options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
        engine = create_async_engine(url, **options)  # type: ignore[arg-type]
        try:
            async with engine.begin() as conn:
                await conn.execute(text(sql))
        finally:
            await engine.dispose()
