"""Lockout after repeated failed sign-ins: pure rules, given ``now``.

After :data:`MAX_FAILURES` wrong passwords in a row an account is locked for
:data:`LOCK_DURATION`; a successful sign-in resets the count. While locked, even
the right password is refused, so guessing cannot continue in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from transom.admin_auth.messages import Message

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class AttemptState:
    failed_attempts: int
    locked_until: datetime | None


def is_locked(state: AttemptState, now: datetime) -> bool:
    return state.locked_until is not None and now < state.locked_until


def after_failure(state: AttemptState, now: datetime) -> AttemptState:
    """Count one more failure; the fifth in a row locks the account."""
    failures = 1 if _lock_expired(state, now) else state.failed_attempts + 1
    if failures >= MAX_FAILURES:
        return AttemptState(failures, now + LOCK_DURATION)
    return AttemptState(failures, None)


def after_success() -> AttemptState:
    return AttemptState(0, None)


LOCKED_ONE_MINUTE = (
    "Too many wrong passwords: this account is locked for 1 more minute. Try "
    "again later, or ask another admin to reset your password "
    "(`transom admin set-password`)."
)
LOCKED_MINUTES = (
    "Too many wrong passwords: this account is locked for {minutes} more "
    "minutes. Try again later, or ask another admin to reset your password "
    "(`transom admin set-password`)."
)


def locked_message(state: AttemptState, now: datetime) -> Message:
    assert state.locked_until is not None
    minutes = max(1, round((state.locked_until - now).total_seconds() / 60))
    if minutes == 1:
        return Message(LOCKED_ONE_MINUTE)
    return Message(LOCKED_MINUTES, {"minutes": str(minutes)})


def _lock_expired(state: AttemptState, now: datetime) -> bool:
    return state.locked_until is not None and now >= state.locked_until
