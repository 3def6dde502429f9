"""How long the outbox waits before trying a write again (pure; randomness injected).

- Transient failures (5xx, timeouts, network): exponential backoff with full
  jitter, ``BASE * 2**(attempt-1)`` capped at ``CAP``, drawn in ``[50 %, 100 %]``.
- Throttling (429/503 with ``Retry-After``): at least what Graph advised, plus up
  to 20 % jitter so a storm's survivors do not come back in lockstep.
- After ``MAX_ATTEMPTS`` attempts a write is given up (FAILED, visible to admins);
  an error nobody classified (a bug, a database constraint) after
  ``MAX_UNEXPECTED_ATTEMPTS``: retrying it rarely helps, and a write that
  cannot finish must not hold up the writes queued behind it.
- Follow-up reads of the room's answer back off from 1 s to 30 s, ``MAX_POLLS``
  times (about 5 minutes); after that the delta sync settles the booking.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

BASE = timedelta(seconds=2)
CAP = timedelta(minutes=10)
MAX_ATTEMPTS = 15
MAX_UNEXPECTED_ATTEMPTS = 3
POLL_BASE = timedelta(seconds=1)
POLL_CAP = timedelta(seconds=30)
MAX_POLLS = 16

Random = Callable[[], float]
"""Returns a float in [0, 1), like ``random.random``."""


def backoff(attempt: int, random: Random) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based).

    >>> backoff(1, lambda: 0.0), backoff(3, lambda: 0.999) <= timedelta(seconds=8)
    (datetime.timedelta(seconds=1), True)
    """
    ceiling: timedelta = min(CAP, BASE * 2 ** max(0, attempt - 1))
    return ceiling * (0.5 + 0.5 * random())


def throttled(retry_after_seconds: float, random: Random) -> timedelta:
    """Graph's advised delay, never less than one second, plus jitter."""
    advised = timedelta(seconds=max(1.0, retry_after_seconds))
    return advised * (1.0 + 0.2 * random())


def poll_delay(poll: int) -> timedelta:
    """The wait before follow-up read number ``poll`` (1-based)."""
    delay: timedelta = min(POLL_CAP, POLL_BASE * 2 ** max(0, poll - 1))
    return delay


def gives_up(attempts: int, *, unexpected: bool = False) -> bool:
    return attempts >= (MAX_UNEXPECTED_ATTEMPTS if unexpected else MAX_ATTEMPTS)
