"""Bookings of rooms over time ranges."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.bookings import BookingState

ACTIVE_STATES = (BookingState.PENDING.value, BookingState.CONFIRMED.value)


async def bookings_in_range(
    session: AsyncSession,
    *,
    room_ids: Sequence[str],
    start: datetime,
    end: datetime,
    active_only: bool = False,
) -> dict[str, list[models.Booking]]:
    """Bookings overlapping [start, end) per room, in start order: one query."""
    stmt = (
        select(models.Booking)
        .where(models.Booking.room_id.in_(room_ids))
        .where(models.Booking.start < end, models.Booking.end > start)
        .order_by(models.Booking.start, models.Booking.id)
    )
    if active_only:
        stmt = stmt.where(models.Booking.state.in_(ACTIVE_STATES))
    grouped: dict[str, list[models.Booking]] = {room_id: [] for room_id in room_ids}
    for booking in (await session.scalars(stmt)).all():
        grouped[booking.room_id].append(booking)
    return grouped


async def get_booking(
    session: AsyncSession, *, booking_id: str
) -> models.Booking | None:
    return await session.get(models.Booking, booking_id)
