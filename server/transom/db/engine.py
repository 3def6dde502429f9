"""Engine and session factory, built from Settings (never at import time)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import Engine, event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

Sessions = async_sessionmaker[AsyncSession]

log = logging.getLogger(__name__)

# Each SQLite connection runs in an aiosqlite thread of its own; dispose_engine
# waits for an engine's threads to end.
_SQLITE_THREADS: weakref.WeakKeyDictionary[
    Engine, weakref.WeakSet[threading.Thread]
] = weakref.WeakKeyDictionary()
THREADS_END_WITHIN = 10.0  # seconds


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
        threads: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
        _SQLITE_THREADS[engine.sync_engine] = threads

        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            _sqlite_pragmas(dbapi_connection)
            aiosqlite_connection = getattr(dbapi_connection, "_connection", None)
            thread = getattr(aiosqlite_connection, "_thread", None)
            if isinstance(thread, threading.Thread):
                threads.add(thread)

        event.listen(engine.sync_engine, "connect", on_connect)
        terminate = engine.dialect.do_terminate

        def stop_or_terminate(dbapi_connection: Any) -> None:
            """Hard-close an SQLite connection by stopping its aiosqlite thread.

            SQLAlchemy terminates a connection whose operation was cancelled (a
            task cancelled at shutdown, a request timed out) by first trying a
            graceful ``close()`` in a shielded task of its own, then stopping
            the thread when the cancellation reaches it. With aiosqlite that
            orphan task then waits forever for a thread that has already
            stopped, and the process cannot exit: its event loop never finishes
            cancelling it. Stopping the thread at once (what the fallback does)
            closes the file and rolls back whatever was open, and leaves
            nothing behind. An SQLAlchemy without that fallback closes the
            usual way.
            """
            if hasattr(dbapi_connection, "_terminate_force_close"):
                dbapi_connection._terminate_force_close()
            else:
                terminate(dbapi_connection)

        engine.dialect.do_terminate = stop_or_terminate  # type: ignore[method-assign]
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


async def dispose_engine(engine: AsyncEngine) -> None:
    """Close the engine's connections and, on SQLite, wait until their aiosqlite
    threads have ended (at most THREADS_END_WITHIN seconds).

    A connection whose operation was cancelled (at shutdown) is stopped, not
    closed: its thread finishes the statement it runs, then reports to the event
    loop. Waiting here means no thread reports to a loop that has closed.
    """
    await engine.dispose()
    threads = _SQLITE_THREADS.get(engine.sync_engine)
    if threads:
        await anyio.to_thread.run_sync(_join, list(threads))


def _join(threads: list[threading.Thread]) -> None:
    deadline = time.monotonic() + THREADS_END_WITHIN
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if left := sum(thread.is_alive() for thread in threads):
        log.warning("%d SQLite connection thread(s) still running at shutdown", left)


def _sqlite_pragmas(dbapi_connection: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, expire_on_commit=False)
