"""Engine and session factory, built from Settings (never at import time)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

Sessions = async_sessionmaker[AsyncSession]


def create_engine(
    database_url: str, *, pool_size: int = 10, max_overflow: int = 20
) -> AsyncEngine:
    """An async engine; SQLite gets WAL and a busy timeout for concurrent writers
    (its file is created readable by its owner only), PostgreSQL a pool of
    ``pool_size`` connections plus ``max_overflow`` under load."""
    if database_url.startswith("sqlite"):
        _ensure_private_file(database_url)
        engine = create_async_engine(
            database_url, connect_args={"timeout": 30}, pool_pre_ping=False
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        database_url, pool_size=pool_size, max_overflow=max_overflow
    )


def _ensure_private_file(database_url: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use the umask;
    its -wal and -shm files copy the database file's mode)."""
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, expire_on_commit=False)
