"""Door display rules: pairing codes, device tokens, online state, rate limits
and the time arithmetic of the actions at the door (book now, extend, end,
check in, no-show release).

Pure: callers pass ``now``.

A display's life::

    requestDisplayPairing      pairDisplay(code, room)       revokeDisplay
    ───────────────────► WAITING ──────────────────► PAIRED ─────────────► REVOKED
                            │ 15 minutes pass
                            ▼
                         EXPIRED (the page asks for a new code)

The secret a display receives with its code becomes its device token once an
admin pairs it, so a lost response never strands a paired display.
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from transom.domain.errors import ConflictError, InvalidInputError

DEVICE_TOKEN_PREFIX = "trd_"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 6
PAIRING_TTL = timedelta(minutes=15)
ONLINE_WINDOW = timedelta(minutes=2)
SEEN_RESOLUTION = timedelta(seconds=30)
BOOK_NOW_MINUTES = (15, 30, 60)
MAX_BOOK_NOW = timedelta(hours=2)
MIN_BOOKING = timedelta(minutes=5)
CHECK_IN_EARLY = timedelta(minutes=10)
MAX_NAME = 200


class ExtensionState(StrEnum):
    """Where a longer end asked for at the door stands with Exchange."""

    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    FAILED = "FAILED"


class PairingState(StrEnum):
    WAITING = "WAITING"
    EXPIRED = "EXPIRED"
    PAIRED = "PAIRED"
    REVOKED = "REVOKED"


def new_pairing_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_device_secret() -> str:
    return DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)


def is_device_token(token: str) -> bool:
    return token.startswith(DEVICE_TOKEN_PREFIX)


def normalize_code(raw: str) -> str:
    """What an admin types ("k7p 2qx", "K7P-2QX") as stored ("K7P2QX").

    >>> normalize_code(" k7p-2qx ")
    'K7P2QX'
    """
    code = "".join(ch for ch in raw.upper() if ch.isalnum())
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise InvalidInputError(
            f"a pairing code is {CODE_LENGTH} letters and digits, as the display "
            "shows it",
            field="code",
        )
    return code


def check_name(raw: str) -> str:
    name = raw.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInputError(
            f"a display name is 1..{MAX_NAME} characters", field="name"
        )
    return name


def pairing_state(
    *,
    created_at: datetime,
    paired_at: datetime | None,
    revoked_at: datetime | None,
    now: datetime,
) -> PairingState:
    if revoked_at is not None:
        return PairingState.REVOKED
    if paired_at is not None:
        return PairingState.PAIRED
    if now - created_at > PAIRING_TTL:
        return PairingState.EXPIRED
    return PairingState.WAITING


def is_online(last_seen_at: datetime | None, now: datetime) -> bool:
    return last_seen_at is not None and now - last_seen_at <= ONLINE_WINDOW


def needs_touch(last_seen_at: datetime | None, now: datetime) -> bool:
    """Record "last seen" at most every 30 s per display, not on every request."""
    return last_seen_at is None or now - last_seen_at >= SEEN_RESOLUTION


@dataclass
class RateLimit:
    """At most ``limit`` hits per key within ``window`` (a sliding window).

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> limit = RateLimit(limit=1, window=timedelta(minutes=1))
    >>> limit.hit("10.0.0.1", t), limit.hit("10.0.0.1", t)
    (True, False)
    """

    limit: int
    window: timedelta
    max_keys: int = 10_000
    _hits: dict[str, deque[datetime]] = field(default_factory=dict)

    def hit(self, key: str, now: datetime) -> bool:
        """Count a hit; False when the key is over its limit."""
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > self.max_keys:
            self._forget_idle(now)
        return True

    def retry_after(self, key: str, now: datetime) -> timedelta:
        """How long until ``key`` may hit again (zero when it may now)."""
        hits = self._hits.get(key)
        if not hits or len(hits) < self.limit:
            return timedelta(0)
        return max(timedelta(0), self.window - (now - hits[0]))

    def _forget_idle(self, now: datetime) -> None:
        for key in [
            k for k, v in self._hits.items() if not v or now - v[-1] >= self.window
        ]:
            del self._hits[key]


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime


def book_now_span(now: datetime, minutes: int, next_start: datetime | None) -> Span:
    """Book from now for ``minutes``, cut short by the next booking."""
    if minutes not in BOOK_NOW_MINUTES:
        raise InvalidInputError(
            "book 15, 30 or 60 minutes at the door", field="minutes"
        )
    start = _whole_minute(now)
    end = start + timedelta(minutes=minutes)
    if next_start is not None and next_start < end:
        end = next_start
    if end - now < MIN_BOOKING:
        raise ConflictError("the room is booked in a few minutes: no time to book")
    return Span(start, end)


def book_until_span(
    now: datetime, until: datetime, next_start: datetime | None
) -> Span:
    """Book from now until ``until`` (a door button's end, e.g. the next quarter
    hour), cut short by the next booking; at most two hours."""
    if until.tzinfo is None:
        raise InvalidInputError("give the end with a UTC offset", field="until")
    start = _whole_minute(now)
    if until - now < MIN_BOOKING:
        raise InvalidInputError(
            "the end must be at least 5 minutes from now", field="until"
        )
    if until - start > MAX_BOOK_NOW:
        raise InvalidInputError("book at most two hours at the door", field="until")
    end = _whole_minute(until)
    if next_start is not None and next_start < end:
        end = next_start
    if end - now < MIN_BOOKING:
        raise ConflictError("the room is booked in a few minutes: no time to book")
    return Span(start, end)


def extend_span(
    booking: Span, minutes: int, next_start: datetime | None, now: datetime
) -> Span:
    """The booking made longer by ``minutes``, cut short by the next booking."""
    if minutes not in BOOK_NOW_MINUTES:
        raise InvalidInputError("extend by 15, 30 or 60 minutes", field="minutes")
    if booking.end <= now:
        raise ConflictError("this meeting has already ended")
    end = booking.end + timedelta(minutes=minutes)
    if next_start is not None and next_start < end:
        end = next_start
    if end - booking.end < MIN_BOOKING:
        raise ConflictError("the room is booked right after this meeting")
    return Span(booking.start, end)


def end_now_span(booking: Span, now: datetime) -> Span:
    """The booking ending now (it must be running)."""
    if not booking.start <= now < booking.end:
        raise ConflictError("only a meeting in progress can be ended now")
    return Span(booking.start, max(booking.start + timedelta(minutes=1), now))


def check_in_allowed(booking: Span, now: datetime) -> None:
    if not booking.start - CHECK_IN_EARLY <= now < booking.end:
        raise ConflictError("check in from 10 minutes before the meeting until it ends")


def is_no_show(
    *,
    start: datetime,
    end: datetime,
    checked_in_at: datetime | None,
    now: datetime,
    release_after: timedelta,
) -> bool:
    """Not checked in within ``release_after`` of the start, and still running."""
    return checked_in_at is None and start + release_after <= now < end


def _whole_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
