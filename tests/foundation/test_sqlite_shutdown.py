"""A process on SQLite stops even when its work is cancelled mid-statement.

At shutdown the sync loops are cancelled, sometimes while a statement waits
for SQLite's write lock in its aiosqlite thread. SQLAlchemy then terminates
that connection; the event loop must still close (no task left waiting for a
thread that has stopped) and no thread may report to it after it closed.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from transom.db.engine import create_engine, dispose_engine


def aiosqlite_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]


async def cancel_a_statement_waiting_for_the_write_lock(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE notes (body TEXT)"))
        holder = await engine.connect()
        await holder.execute(text("INSERT INTO notes VALUES ('held')"))  # the lock

        async def write() -> None:
            async with engine.begin() as connection:  # waits for the lock
                await connection.execute(text("INSERT INTO notes VALUES ('late')"))

        waiting = asyncio.create_task(write())
        await asyncio.sleep(0.5)  # in SQLite's busy wait now
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await holder.rollback()
        await holder.close()
    finally:
        await dispose_engine(engine)


def test_a_statement_cancelled_while_waiting_for_the_lock_lets_the_process_stop(
    tmp_path: Path,
) -> None:
    before = set(aiosqlite_threads())
    url = f"sqlite+aiosqlite:///{tmp_path / 'transom.db'}"
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(cancel_a_statement_waiting_for_the_write_lock(url))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    reported: list[threading.ExceptHookArgs] = []
    hook, threading.excepthook = threading.excepthook, reported.append
    try:
        runner = threading.Thread(
            target=run, daemon=True
        )  # a hang must not hold pytest
        runner.start()
        runner.join(timeout=20)
        # then the event loop closed: nothing was left waiting on it
        assert not runner.is_alive(), "the event loop never finished closing"
        assert failures == []
        # and every SQLite thread had ended before it closed, none reporting late
        assert [t for t in aiosqlite_threads() if t not in before] == []
        assert [r.exc_value for r in reported] == []
    finally:
        threading.excepthook = hook
