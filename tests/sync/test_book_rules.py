"""Pure booking rules (domain.booking_requests) and outbox retry policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transom.domain.booking_requests import (
    BookingRoute,
    CancelAction,
    ExistingBooking,
    booking_route,
    cancel_action,
    check_booking_request,
    first_conflict,
)
from transom.domain.bookings import BookingSource, Slot
from transom.domain.errors import (
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
)
from transom.sync.outbox.policy import CAP, backoff, poll_delay, throttled

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
minutes = st.integers(min_value=0, max_value=24 * 60)


def test_request_is_normalised():
    # when
    request = check_booking_request(
        start=NOW,
        end=NOW + timedelta(hours=1),
        subject="  Weekly   sync ",
        organizer_email=" Adele@Contoso.Example ",
        now=NOW,
    )

    # then
    assert request.subject == "Weekly sync"
    assert request.organizer_email == "adele@contoso.example"


def test_booking_now_at_the_door_is_not_in_the_past():
    # when
    request = check_booking_request(
        start=NOW - timedelta(minutes=2),
        end=NOW + timedelta(minutes=30),
        subject="Ad hoc",
        organizer_email=None,
        now=NOW,
    )

    # then
    assert request.organizer_email is None


def test_room_maximum_duration_is_enforced():
    # when
    with pytest.raises(InvalidInputError) as raised:
        check_booking_request(
            start=NOW,
            end=NOW + timedelta(hours=3),
            subject="Long",
            organizer_email=None,
            now=NOW,
            max_duration=timedelta(hours=2),
        )

    # then
    assert raised.value.field == "end"


@pytest.mark.parametrize(
    ("email", "source", "imported", "known", "route"),
    [
        ("a@x.example", BookingSource.TRANSOM, True, True, BookingRoute.ORGANIZER),
        ("a@x.example", BookingSource.TRANSOM, True, False, BookingRoute.ROOM),
        ("a@x.example", BookingSource.TRANSOM, False, False, BookingRoute.RESOLVE),
        ("a@x.example", BookingSource.DISPLAY, True, True, BookingRoute.ROOM),
        (None, BookingSource.TRANSOM, True, False, BookingRoute.ROOM),
    ],
)
def test_who_writes_the_booking(email, source, imported, known, route):
    assert (
        booking_route(
            email, source=source, directory_imported=imported, in_directory=known
        )
        is route
    )


@given(a_start=minutes, a_len=minutes, b_start=minutes, b_len=minutes)
def test_conflict_found_exactly_when_slots_overlap(a_start, a_len, b_start, b_len):
    # given
    a = Slot(
        NOW + timedelta(minutes=a_start), NOW + timedelta(minutes=a_start + a_len + 1)
    )
    b = Slot(
        NOW + timedelta(minutes=b_start), NOW + timedelta(minutes=b_start + b_len + 1)
    )

    # when
    found = first_conflict(a, [ExistingBooking("b", b, "CONFIRMED")])

    # then
    assert (found is not None) == (a.start < b.end and b.start < a.end)


def test_declined_and_cancelled_bookings_do_not_hold_the_slot():
    # given
    slot = Slot(NOW, NOW + timedelta(hours=1))
    existing = [
        ExistingBooking("d", slot, "DECLINED"),
        ExistingBooking("c", slot, "CANCELLED"),
    ]

    # then
    assert first_conflict(slot, existing) is None


def test_outlook_bookings_need_the_declination_setting():
    with pytest.raises(PermissionDeniedError):
        cancel_action(
            source="OUTLOOK",
            state="CONFIRMED",
            is_admin=True,
            declination_allowed=False,
        )
    assert (
        cancel_action(
            source="OUTLOOK", state="CONFIRMED", is_admin=True, declination_allowed=True
        )
        is CancelAction.DECLINE_ROOM_EVENT
    )


def test_cancelled_booking_cannot_be_cancelled_again():
    with pytest.raises(ConflictError):
        cancel_action(
            source="TRANSOM",
            state="CANCELLED",
            is_admin=True,
            declination_allowed=False,
        )


@given(attempt=st.integers(min_value=1, max_value=40), draw=st.floats(0, 0.999))
def test_backoff_grows_within_its_cap(attempt, draw):
    delay = backoff(attempt, lambda: draw)
    assert timedelta(seconds=1) <= delay <= CAP


@given(advised=st.floats(0, 600), draw=st.floats(0, 0.999))
def test_throttled_waits_at_least_what_graph_advised(advised, draw):
    assert throttled(advised, lambda: draw) >= timedelta(seconds=max(1.0, advised))


def test_polls_back_off_to_thirty_seconds():
    assert [poll_delay(n).total_seconds() for n in (1, 2, 3, 7)] == [1, 2, 4, 30]
