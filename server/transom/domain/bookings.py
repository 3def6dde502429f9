"""Booking rules: states, sources and what a room's status is at a moment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

STARTING_SOON = timedelta(minutes=10)


class BookingSource(StrEnum):
    OUTLOOK = "OUTLOOK"
    TRANSOM = "TRANSOM"
    DISPLAY = "DISPLAY"


class BookingState(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"


class RoomState(StrEnum):
    FREE = "FREE"
    STARTING_SOON = "STARTING_SOON"
    BUSY = "BUSY"


@dataclass(frozen=True)
class Slot:
    """A span of time that occupies a room."""

    start: datetime
    end: datetime

    def overlaps(self, other: Slot) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class RoomStatus:
    """The room's state at ``at`` and until when it holds (None: the rest of time)."""

    state: RoomState
    until: datetime | None


def occupies_room(state: str) -> bool:
    return state in (BookingState.PENDING, BookingState.CONFIRMED)


def room_status(slots: Iterable[Slot], now: datetime) -> RoomStatus:
    """Busy during a booking (until the end of back-to-back bookings), starting
    soon within 10 minutes of the next, otherwise free until the next one.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, 9, tzinfo=UTC)
    >>> room_status([Slot(t, t + timedelta(hours=1))], t).state
    <RoomState.BUSY: 'BUSY'>
    """
    ordered = sorted((s for s in slots if s.end > now), key=lambda s: s.start)
    current = [s for s in ordered if s.start <= now]
    if current:
        return RoomStatus(RoomState.BUSY, _busy_until(ordered, now))
    if not ordered:
        return RoomStatus(RoomState.FREE, None)
    upcoming = ordered[0].start
    if upcoming - now <= STARTING_SOON:
        return RoomStatus(RoomState.STARTING_SOON, upcoming)
    return RoomStatus(RoomState.FREE, upcoming)


def _busy_until(ordered: list[Slot], now: datetime) -> datetime:
    until = now
    for slot in ordered:
        if slot.start > until:
            break
        until = max(until, slot.end)
    return until
