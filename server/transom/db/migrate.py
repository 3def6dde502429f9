"""Apply Alembic migrations and tell whether a database is current.

On PostgreSQL the upgrade holds a transaction-scoped advisory lock, so any
number of processes may start at once on a fresh database: the first migrates,
the others wait for it and then find the schema current.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x7472_616E_736F_6D01  # "transom" + 1: one key per deployment DB


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
        )
    command.upgrade(alembic_config(connection), "heads")


async def is_current(engine: AsyncEngine) -> bool:
    """True when the database is at the newest migration."""
    async with engine.connect() as conn:
        current = await conn.run_sync(_current_heads)
    head = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    return current == head


def _current_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())
