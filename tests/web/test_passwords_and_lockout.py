"""Password hashing and the lockout rules, without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from transom.admin_auth.lockout import (
    LOCK_DURATION,
    MAX_FAILURES,
    AttemptState,
    after_failure,
    after_success,
    is_locked,
)
from transom.admin_auth.passwords import (
    WeakPasswordError,
    hash_password,
    new_password,
    verify_password,
)

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def test_a_password_is_stored_as_an_argon2id_hash_that_verifies() -> None:
    # when
    stored = hash_password("correct horse battery staple")
    # then
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(stored, "correct horse battery staple")
    assert not verify_password(stored, "correct horse battery stapler")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("a long enough password") != hash_password(
        "a long enough password"
    )


def test_a_short_password_is_refused() -> None:
    with pytest.raises(WeakPasswordError, match="at least 12 characters"):
        hash_password("short")


def test_an_unknown_account_never_verifies() -> None:
    assert not verify_password(None, "transom-no-such-admin")
    assert not verify_password("not a hash", "anything at all")


def test_generated_passwords_are_long_and_unique() -> None:
    passwords = {new_password() for _ in range(20)}
    assert len(passwords) == 20
    assert all(len(p) >= 20 for p in passwords)


def test_five_failures_in_a_row_lock_the_account_for_fifteen_minutes() -> None:
    # given
    state = after_success()
    # when
    for _ in range(MAX_FAILURES - 1):
        state = after_failure(state, NOW)
        assert not is_locked(state, NOW)
    state = after_failure(state, NOW)
    # then
    assert is_locked(state, NOW)
    assert is_locked(state, NOW + LOCK_DURATION - timedelta(seconds=1))
    assert not is_locked(state, NOW + LOCK_DURATION)


def test_a_failure_after_the_lock_expired_starts_counting_again() -> None:
    # given
    locked = AttemptState(MAX_FAILURES, NOW + LOCK_DURATION)
    # when
    later = after_failure(locked, NOW + LOCK_DURATION + timedelta(minutes=1))
    # then
    assert later == AttemptState(1, None)
