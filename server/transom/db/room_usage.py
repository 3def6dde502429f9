"""What room analytics read: a tenant's rooms and the bookings that count in a
range, as plain values (``transom.domain.room_usage``).

A year of a large tenant is ~200,000 bookings. They are read in one grouped
query from ``ix_bookings_tenant_usage`` alone (it holds every column needed,
ordered by tenant, room and start): one row per room with its door counts, its
starts and its held-untils as two lists of epoch seconds. No ORM objects and no
row per booking: handing 200,000 rows to Python cost more than everything else
together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from transom.db import models
from transom.domain.room_usage import (
    COUNTED_STATES,
    DOOR_SOURCE,
    DoorCounts,
    Span,
    UsageRoom,
)


@dataclass
class UsageBookings:
    """Per room: the spans of its bookings that count, and what
    happened at the door with its meetings starting in the range. Rooms
    without such bookings are absent."""

    spans: dict[str, list[Span]] = field(default_factory=dict)
    door: dict[str, DoorCounts] = field(default_factory=dict)


async def usage_rooms(session: AsyncSession, *, tenant_id: str) -> list[UsageRoom]:
    rows = await session.execute(
        select(
            models.Room.id, models.Room.name, models.Room.building, models.Room.floor
        ).where(models.Room.tenant_id == tenant_id)
    )
    return [UsageRoom(*row) for row in rows]


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


async def usage_bookings(
    session: AsyncSession, *, tenant_id: str, start: datetime, end: datetime
) -> UsageBookings:
    """Each room's spans (start and held-until: an early end or a release comes
    before the end, so the first of them is when it ended) and door counts."""
    b = models.Booking
    until = func.coalesce(b.ended_early_at, b.released_at, b.end)

    def number(condition: ColumnElement[bool]) -> ColumnElement[int]:
        """How many of the room's meetings starting in the range match."""
        return func.count().filter(and_(b.start >= start, condition))

    rows = await session.execute(
        select(
            b.room_id,
            epoch_list(b.start),
            epoch_list(until),
            number(b.source == DOOR_SOURCE),
            number(b.checked_in_at.is_not(None)),
            number(b.released_at.is_not(None)),
            number(b.ended_early_at.is_not(None)),
            number(b.extended_at.is_not(None)),
        )
        .where(b.tenant_id == tenant_id, *_counting(start, end))
        .group_by(b.room_id)
    )
    found = UsageBookings()
    for room_id, starts, untils, *counts in rows:
        found.spans[room_id] = list(
            zip(_numbers(starts), _numbers(untils), strict=True)
        )
        found.door[room_id] = DoorCounts(*counts)
    return found


def _numbers(found: str | list[float]) -> list[float]:
    if isinstance(found, str):  # SQLite: "1764572400,1764576000,..."
        # json: the fastest parser at hand. Floats, as from PostgreSQL: the
        # analytics compare them with float bounds by the hundred thousand,
        # and comparing an int with a float costs three times as much.
        return list(map(float, json.loads(f"[{found}]")))
    return found  # PostgreSQL: an array of doubles, decoded by the driver


class epoch_list(FunctionElement[Any]):  # noqa: N801 (a SQL function's name)
    """Aggregate: the group's values of a UTC time column as epoch seconds.

    Two of them over one group pair up: the database feeds every aggregate of
    a group the same rows in the same order (no ORDER BY, which would sort each
    list on its own: twice the time on PostgreSQL, and SQLite takes it only
    from 3.44); here room by room in start order from the index. PostgreSQL
    answers an array of doubles (exact, no text), SQLite a text of whole
    seconds (it has no lists).
    """

    inherit_cache = True
    name = "epoch_list"


@compiles(epoch_list, "sqlite")
def _epoch_list_sqlite(element: epoch_list, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(epoch(*element.clauses), **kw)}, ',')"


@compiles(epoch_list, "postgresql")
def _epoch_list_postgresql(
    element: epoch_list, compiler: SQLCompiler, **kw: Any
) -> str:
    return f"array_agg({compiler.process(epoch(*element.clauses), **kw)})"


class epoch(FunctionElement[float]):  # noqa: N801 (a SQL function's name)
    """A UTC time column as epoch seconds, computed by the database."""

    type = Float()
    inherit_cache = True
    name = "epoch"


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as naive UTC text; whole seconds are plenty for analytics.
    column = compiler.process(element.clauses, **kw)
    if (compiler.dialect.server_version_info or (0,)) >= (3, 38):
        return f"unixepoch({column})"  # the same number, faster
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # date_part is a double computed as such; EXTRACT (a numeric since
    # PostgreSQL 14, then cast) gives the same number, slower.
    return f"date_part('epoch', {compiler.process(element.clauses, **kw)})"
