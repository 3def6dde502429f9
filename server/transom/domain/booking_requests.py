"""Booking requests from Transom: validation, how a booking reaches Exchange, conflicts.

Pure rules (no clock, no I/O): callers pass ``now`` and what they know.

- :func:`check_booking_request` normalises and validates ``bookRoom`` input:
  end after start, at most the room's maximum duration (24 h by default), not in
  the past (a short grace for "book now" at a door display), a subject of 1..255
  characters, a plausible organizer address.
- :func:`booking_route` decides who books: an organizer in the tenant's directory
  gets the event in their own calendar with the room as resource attendee (the
  room's attendant accepts or declines); anyone else books the room calendar
  directly through the app. When the directory was never imported the worker asks
  Graph (``RESOLVE``).
- :func:`first_conflict` finds the booking that already occupies a slot.
- :func:`cancel_action` decides how a cancellation reaches Exchange.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from transom.domain.bookings import BookingSource, BookingState, Slot, occupies_room
from transom.domain.errors import (
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
)

DEFAULT_MAX_DURATION = timedelta(hours=24)
PAST_GRACE = timedelta(minutes=5)
MAX_SUBJECT = 255
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class BookingRoute(StrEnum):
    ORGANIZER = "ORGANIZER"
    ROOM = "ROOM"
    RESOLVE = "RESOLVE"


class CancelAction(StrEnum):
    WITHDRAW = "WITHDRAW"
    """Transom's own booking: cancel the organizer's event or delete the room's."""
    DECLINE_ROOM_EVENT = "DECLINE_ROOM_EVENT"
    """An Outlook-made booking: the room declines its copy."""


@dataclass(frozen=True)
class BookingRequest:
    """A checked request: aware UTC times, trimmed subject, lower-cased address."""

    start: datetime
    end: datetime
    subject: str
    organizer_email: str | None

    @property
    def slot(self) -> Slot:
        return Slot(self.start, self.end)


def check_booking_request(
    *,
    start: datetime,
    end: datetime,
    subject: str,
    organizer_email: str | None,
    now: datetime,
    max_duration: timedelta = DEFAULT_MAX_DURATION,
) -> BookingRequest:
    """The normalised request, or ``InvalidInputError`` naming the field.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, 9, tzinfo=UTC)
    >>> check_booking_request(start=t, end=t + timedelta(hours=1), subject=" Sync ",
    ...     organizer_email=None, now=t).subject
    'Sync'
    """
    _check_times(start, end, now, max_duration)
    return BookingRequest(
        start=start,
        end=end,
        subject=_check_subject(subject),
        organizer_email=_check_email(organizer_email),
    )


def _check_times(
    start: datetime, end: datetime, now: datetime, max_duration: timedelta
) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInputError("start and end need a UTC offset", field="start")
    if end <= start:
        raise InvalidInputError("end must be after start", field="end")
    if end - start > max_duration:
        hours = max_duration.total_seconds() / 3600
        raise InvalidInputError(
            f"a booking can last at most {hours:g} hours in this room", field="end"
        )
    if start < now - PAST_GRACE:
        raise InvalidInputError("a booking cannot start in the past", field="start")


def _check_subject(subject: str) -> str:
    cleaned = " ".join(subject.split())
    if not cleaned:
        raise InvalidInputError("a booking needs a subject", field="subject")
    if len(cleaned) > MAX_SUBJECT:
        raise InvalidInputError(
            f"a subject can be at most {MAX_SUBJECT} characters", field="subject"
        )
    return cleaned


def _check_email(address: str | None) -> str | None:
    if address is None or not address.strip():
        return None
    cleaned = address.strip().lower()
    if not _EMAIL.match(cleaned):
        raise InvalidInputError(
            f"{address!r} is not an e-mail address", field="organizerEmail"
        )
    return cleaned


def booking_route(
    organizer_email: str | None,
    *,
    source: BookingSource,
    directory_imported: bool,
    in_directory: bool,
) -> BookingRoute:
    """Who writes the booking to Exchange (see the module docstring)."""
    if organizer_email is None or source is BookingSource.DISPLAY:
        return BookingRoute.ROOM
    if in_directory:
        return BookingRoute.ORGANIZER
    return BookingRoute.ROOM if directory_imported else BookingRoute.RESOLVE


@dataclass(frozen=True)
class ExistingBooking:
    """What the conflict check needs of a booking already in the room."""

    id: str
    slot: Slot
    state: str


def first_conflict(
    slot: Slot, existing: Iterable[ExistingBooking]
) -> ExistingBooking | None:
    """The earliest booking that occupies the room during ``slot``, if any."""
    taken = [b for b in existing if occupies_room(b.state) and b.slot.overlaps(slot)]
    return min(taken, key=lambda b: (b.slot.start, b.id), default=None)


def cancel_action(
    *, source: str, state: str, is_admin: bool, declination_allowed: bool
) -> CancelAction:
    """How to cancel in Exchange, or the error explaining why not.

    Transom's own bookings are withdrawn: the organizer's event is cancelled
    (organizer route) or the room-calendar event deleted (direct route), decided
    when the write runs, by the ids Exchange returned. Outlook-made bookings can
    only be declined by the room, by admins, and only where the tenant allows it.
    """
    if state in (BookingState.CANCELLED, BookingState.DECLINED):
        raise ConflictError(f"the booking is already {state.lower()}")
    if source == BookingSource.OUTLOOK:
        if not (is_admin and declination_allowed):
            raise PermissionDeniedError(
                "bookings made in Outlook can only be cancelled by their organizer, "
                "unless an admin enables 'allow resource booking declination' for "
                "this tenant"
            )
        return CancelAction.DECLINE_ROOM_EVENT
    return CancelAction.WITHDRAW
