"""What an outbox handler receives (a :class:`WriteJob`) and returns (an :class:`Outcome`).

Handlers see plain values, not ORM rows: they run outside any database session
(Graph calls can take long) and tell the worker what to change afterwards. The
one exception is :meth:`WriteJob.checkpoint`, which saves progress (the id of an
event Graph just created) before the handler goes on, so a crash later in the
handler never repeats the create.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from transom.db import models
from transom.domain.bookings import BookingState
from transom.domain.outbox import OutboxKind
from transom.graph import GraphTenantClient


@dataclass(frozen=True)
class BookingView:
    """The booking a write is about, with its room's mailbox."""

    id: str
    room_id: str
    room_email: str
    room_name: str
    state: str
    source: str
    subject: str
    start: datetime
    end: datetime
    organizer_email: str | None
    organizer_name: str | None
    graph_event_id: str | None
    organizer_event_id: str | None
    ical_uid: str | None
    extension_state: str | None = None
    extension_end: datetime | None = None
    extension_previous_end: datetime | None = None
    checked_in_at: datetime | None = None

    @classmethod
    def of(cls, booking: models.Booking, room: models.Room) -> BookingView:
        return cls(
            id=booking.id,
            room_id=room.id,
            room_email=(room.mailbox_email or "").lower(),
            room_name=room.name,
            state=booking.state,
            source=booking.source,
            subject=booking.subject or "",
            start=booking.start,
            end=booking.end,
            organizer_email=booking.organizer_email,
            organizer_name=booking.organizer_name,
            graph_event_id=booking.graph_event_id,
            organizer_event_id=booking.organizer_event_id,
            ical_uid=booking.ical_uid,
            extension_state=booking.extension_state,
            extension_end=booking.extension_end,
            extension_previous_end=booking.extension_previous_end,
            checked_in_at=booking.checked_in_at,
        )


@dataclass(frozen=True)
class BookingUpdate:
    """Changes to the booking row; None leaves a column as it is."""

    state: str | None = None
    decline_reason: str | None = None
    graph_event_id: str | None = None
    organizer_event_id: str | None = None
    ical_uid: str | None = None
    organizer_email: str | None = None
    end: datetime | None = None
    extension_state: str | None = None
    extension_reason: str | None = None

    def apply(self, booking: models.Booking, now: datetime) -> bool:
        """Write the changes; True when something displays show changed (the
        state, the end, the extension's state).

        A booking cancelled in Transom stays CANCELLED whatever Exchange answers
        to the create that preceded the cancel.
        """
        values = {k: v for k, v in vars(self).items() if v is not None}
        if booking.state == BookingState.CANCELLED and "state" in values:
            values = {k: v for k, v in values.items() if k != "decline_reason"}
            values["state"] = BookingState.CANCELLED.value
        changed = any(
            values[name] != getattr(booking, name) for name in SHOWN if name in values
        )
        for name, value in values.items():
            setattr(booking, name, value)
        booking.updated_at = now
        return changed


SHOWN = ("state", "end", "extension_state", "decline_reason", "extension_reason")
"""Booking columns a display shows: a change to one of them is announced."""


@dataclass(frozen=True)
class FollowUp:
    """Another outbox row to enqueue with the outcome, due after ``delay``."""

    kind: OutboxKind
    payload: dict[str, Any]
    delay: timedelta


@dataclass(frozen=True)
class Outcome:
    """A handler's result: DONE, or back to PENDING after ``again_after`` (polls)."""

    result: dict[str, Any]
    booking: BookingUpdate | None = None
    follow_up: FollowUp | None = None
    again_after: timedelta | None = None


Checkpoint = Callable[[dict[str, Any], BookingUpdate | None], Awaitable[None]]


@dataclass
class WriteJob:
    """One claimed outbox row and the means to run it."""

    item_id: str
    kind: str
    payload: dict[str, Any]
    transaction_id: str
    attempts: int
    booking: BookingView | None
    graph: GraphTenantClient
    checkpoint: Checkpoint
    result: dict[str, Any] = field(default_factory=dict)

    async def save(self, result: dict[str, Any], update: BookingUpdate | None) -> None:
        """Checkpoint and remember the new result for the rest of this run."""
        self.result = result
        await self.checkpoint(result, update)
