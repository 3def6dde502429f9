"""Locking one row until the transaction ends, on PostgreSQL and on SQLite.

PostgreSQL: a row lock (``SELECT … FOR UPDATE``). SQLite has no row locks: a
no-op UPDATE of the row takes the database's write lock now (the driver would
otherwise run the reads that follow outside any write transaction, and
another writer could slip in between).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession


async def lock_row(session: AsyncSession, model: Any, row_id: str) -> None:
    """Serialise writers of ``model``'s row ``row_id`` until this transaction ends."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(
            update(model)
            .where(model.id == row_id)
            .values(id=model.id)
            .execution_options(synchronize_session=False)
        )
        return
    await session.execute(select(model.id).where(model.id == row_id).with_for_update())
