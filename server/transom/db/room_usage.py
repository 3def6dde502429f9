"""What room analytics read: a tenant's rooms and the bookings that count in a
range, as plain values (``transom.domain.room_usage``).

Only the columns analytics need are selected (no subjects, no organizers), and
as rows rather than ORM objects: a year of a large tenant is ~200,000 bookings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from transom.db import models
from transom.domain.room_usage import (
    COUNTED_STATES,
    DOOR_SOURCE,
    DoorCounts,
    UsageRoom,
    UsageSpan,
)


async def usage_rooms(session: AsyncSession, *, tenant_id: str) -> list[UsageRoom]:
    rows = await session.execute(
        select(
            models.Room.id, models.Room.name, models.Room.building, models.Room.floor
        ).where(models.Room.tenant_id == tenant_id)
    )
    return [UsageRoom(*row) for row in rows.tuples()]


def _counting(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """Bookings overlapping ``start..end`` that count: holding their room, or
    ended early or released (the room was held until then)."""
    b = models.Booking
    return [
        b.start < end,
        b.end > start,
        or_(
            b.state.in_(COUNTED_STATES),
            b.ended_early_at.is_not(None),
            b.released_at.is_not(None),
        ),
    ]


async def usage_spans(
    session: AsyncSession, *, tenant_id: str, start: datetime, end: datetime
) -> list[UsageSpan]:
    """Room, start and held-until of each booking that counts (an early end or
    a release comes before the end, so the first of them is when it ended)."""
    b = models.Booking
    until = func.coalesce(b.ended_early_at, b.released_at, b.end)
    rows = await session.execute(
        select(b.room_id, epoch(b.start), epoch(until)).where(
            b.tenant_id == tenant_id, *_counting(start, end)
        )
    )
    return [UsageSpan._make(row) for row in rows.tuples()]


async def door_counts(
    session: AsyncSession, *, tenant_id: str, start: datetime, end: datetime
) -> dict[str, DoorCounts]:
    """Per room, what happened at the door with the meetings starting in range."""
    b = models.Booking

    def number(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    rows = await session.execute(
        select(
            b.room_id,
            number(b.source == DOOR_SOURCE),
            number(b.checked_in_at.is_not(None)),
            number(b.released_at.is_not(None)),
            number(b.ended_early_at.is_not(None)),
            number(b.extended_at.is_not(None)),
        )
        .where(b.tenant_id == tenant_id, b.start >= start, *_counting(start, end))
        .group_by(b.room_id)
    )
    return {
        room_id: DoorCounts(*(int(n) for n in counts))
        for room_id, *counts in rows.tuples()
    }


class epoch(FunctionElement[float]):  # noqa: N801 (a SQL function's name)
    """A UTC time column as epoch seconds, computed by the database."""

    type = Float()
    inherit_cache = True
    name = "epoch"


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as naive UTC text; whole seconds are plenty for analytics.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS DOUBLE PRECISION)"
