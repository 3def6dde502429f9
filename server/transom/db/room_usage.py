"""What room analytics read: a tenant's rooms and the bookings that count in a
range, as plain values (``transom.domain.room_usage``).

Only the columns analytics need are selected (no subjects, no organizers), and
as rows rather than ORM objects: a year of a large tenant is ~200,000 bookings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from transom.db import models
from transom.domain.room_usage import (
    COUNTED_STATES,
    DOOR_SOURCE,
    UsageBooking,
    UsageRoom,
)


async def usage_rooms(session: AsyncSession, *, tenant_id: str) -> list[UsageRoom]:
    rows = await session.execute(
        select(
            models.Room.id, models.Room.name, models.Room.building, models.Room.floor
        ).where(models.Room.tenant_id == tenant_id)
    )
    return [UsageRoom(*row) for row in rows.tuples()]


async def usage_bookings(
    session: AsyncSession, *, tenant_id: str, start: datetime, end: datetime
) -> list[UsageBooking]:
    """The tenant's bookings overlapping ``start..end`` that may count."""
    b = models.Booking
    rows = await session.execute(
        select(
            b.room_id,
            epoch(b.start),
            epoch(b.end),
            b.state,
            b.source == DOOR_SOURCE,
            b.checked_in_at.is_not(None),
            epoch(b.ended_early_at),
            epoch(b.released_at),
            b.extended_at.is_not(None),
        ).where(
            b.tenant_id == tenant_id,
            b.start < end,
            b.end > start,
            or_(
                b.state.in_(COUNTED_STATES),
                b.ended_early_at.is_not(None),
                b.released_at.is_not(None),
            ),
        )
    )
    return [UsageBooking._make(row) for row in rows.tuples()]


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
