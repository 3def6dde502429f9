"""Process heartbeats and leases on sync work, in the database all processes share.

See ``transom.sync.ownership`` for how they are used. Claims are atomic upserts
(``INSERT … ON CONFLICT DO UPDATE … WHERE the lease has expired``), so of two
processes claiming one key at the same moment exactly one wins, on PostgreSQL
and on SQLite alike.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models


def _insert(session: AsyncSession, table: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def heartbeat(session: AsyncSession, *, process_id: str, now: datetime) -> None:
    """This process is alive at ``now``."""
    stmt = _insert(session, models.SyncProcess).values(
        id=process_id, heartbeat_at=now, started_at=now
    )
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["id"], set_={"heartbeat_at": now})
    )


async def live_processes(session: AsyncSession, *, since: datetime) -> int:
    """How many processes have beaten since ``since`` (at least this one)."""
    count = await session.scalar(
        select(func.count()).where(models.SyncProcess.heartbeat_at >= since)
    )
    return max(1, int(count or 0))


async def forget_dead(session: AsyncSession, *, before: datetime) -> None:
    await session.execute(
        delete(models.SyncProcess).where(models.SyncProcess.heartbeat_at < before)
    )


async def renew(
    session: AsyncSession,
    *,
    owner: str,
    keep: Collection[str],
    until: datetime,
) -> set[str]:
    """Extend ``owner``'s leases on ``keep``, drop its others; the keys it holds."""
    await session.execute(
        delete(models.SyncLease).where(
            models.SyncLease.owner == owner, models.SyncLease.key.not_in(list(keep))
        )
    )
    await session.execute(
        update(models.SyncLease)
        .where(models.SyncLease.owner == owner)
        .values(expires_at=until)
        .execution_options(synchronize_session=False)
    )
    held = await session.scalars(
        select(models.SyncLease.key).where(models.SyncLease.owner == owner)
    )
    return set(held.all())


async def held_by_others(
    session: AsyncSession, *, owner: str, now: datetime
) -> set[str]:
    """Keys another process holds a live lease on."""
    rows = await session.scalars(
        select(models.SyncLease.key).where(
            models.SyncLease.owner != owner, models.SyncLease.expires_at > now
        )
    )
    return set(rows.all())


async def claim(
    session: AsyncSession, *, owner: str, key: str, now: datetime, until: datetime
) -> bool:
    """Take ``key`` if nobody holds it, or its lease has expired."""
    stmt = _insert(session, models.SyncLease).values(
        key=key, owner=owner, expires_at=until
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={"owner": owner, "expires_at": until},
        where=models.SyncLease.expires_at <= now,
    ).returning(models.SyncLease.key)
    return (await session.execute(stmt)).first() is not None


async def release(session: AsyncSession, *, owner: str, keys: Collection[str]) -> None:
    await session.execute(
        delete(models.SyncLease).where(
            models.SyncLease.owner == owner, models.SyncLease.key.in_(list(keys))
        )
    )


async def leave(session: AsyncSession, *, owner: str) -> None:
    """The process stops: its leases and heartbeat go at once."""
    await session.execute(
        delete(models.SyncLease).where(models.SyncLease.owner == owner)
    )
    await session.execute(
        delete(models.SyncProcess).where(models.SyncProcess.id == owner)
    )
