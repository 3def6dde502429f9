"""Availability from showAs, pure: mapping, precedence, free events, privacy."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transom.domain.availability import (
    Availability,
    AvailabilityRules,
    BusySlot,
    availability_at,
    to_busy_slot,
)
from transom.domain.calendar import CalendarEvent, Sensitivity, ShowAs

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)


def slot(show_as: ShowAs, minutes: int = 60) -> BusySlot:
    return BusySlot("e", T0, T0 + timedelta(minutes=minutes), show_as)


def test_each_show_as_maps_through_the_default_mapping() -> None:
    rules = AvailabilityRules.from_stored(None)
    found = {s: availability_at([slot(s)], T0, rules) for s in ShowAs}
    assert found[ShowAs.OOF] is Availability.OUT_OF_OFFICE
    assert found[ShowAs.WORKING_ELSEWHERE] is Availability.WORKING_ELSEWHERE
    assert found[ShowAs.TENTATIVE] is Availability.TENTATIVE
    assert found[ShowAs.BUSY] is Availability.BUSY
    assert found[ShowAs.FREE] is Availability.AVAILABLE


def test_tenant_mapping_changes_an_answer() -> None:
    rules = AvailabilityRules.from_stored({"mapping": {"TENTATIVE": "BUSY"}})
    assert availability_at([slot(ShowAs.TENTATIVE)], T0, rules) is Availability.BUSY


@given(st.lists(st.sampled_from(list(ShowAs)), max_size=6))
def test_order_of_overlapping_events_does_not_matter(show_as) -> None:
    rules = AvailabilityRules.from_stored(None)
    slots = [slot(s) for s in show_as]
    assert availability_at(slots, T0, rules) == availability_at(
        list(reversed(slots)), T0, rules
    )
    if ShowAs.OOF in show_as:
        assert availability_at(slots, T0, rules) is Availability.OUT_OF_OFFICE


def test_no_event_after_it_ended() -> None:
    rules = AvailabilityRules.from_stored(None)
    at = T0 + timedelta(minutes=60)
    assert availability_at([slot(ShowAs.BUSY)], at, rules) is Availability.AVAILABLE


@given(free_busy_only=st.booleans(), private=st.booleans())
def test_private_and_free_busy_only_store_no_text(free_busy_only, private) -> None:
    rules = AvailabilityRules.from_stored({"freeBusyOnly": free_busy_only})
    event = CalendarEvent(
        id="e",
        subject="Salary talk",
        start=T0,
        end=T0 + timedelta(hours=1),
        location_name="Room 1",
        sensitivity=Sensitivity.PRIVATE if private else Sensitivity.NORMAL,
    )
    kept = to_busy_slot(event, rules)
    hidden = free_busy_only or private
    assert (kept.subject is None) == hidden
    assert (kept.location is None) == hidden


def test_free_events_are_ignored_unless_included() -> None:
    free = BusySlot("e", T0, T0 + timedelta(hours=1), ShowAs.FREE)
    mapped = {"mapping": {"FREE": "WORKING_ELSEWHERE"}}
    ignored = AvailabilityRules.from_stored(mapped)
    included = AvailabilityRules.from_stored({**mapped, "includeFree": True})
    assert availability_at([free], T0, ignored) is Availability.AVAILABLE
    assert availability_at([free], T0, included) is Availability.WORKING_ELSEWHERE


def test_cancelled_events_are_not_stored() -> None:
    rules = AvailabilityRules.from_stored(None)
    event = CalendarEvent("e", "Sync", T0, T0 + timedelta(hours=1))
    assert rules.keeps(event)
    assert not rules.keeps(dataclasses.replace(event, is_cancelled=True))


@pytest.mark.parametrize("details", [False, True])
@pytest.mark.parametrize("free_busy_only", [False, True])
def test_private_meeting_details_are_kept_only_when_asked_and_never_free_busy_only(
    details: bool, free_busy_only: bool
) -> None:
    stored = {"privateMeetingDetails": details, "freeBusyOnly": free_busy_only}
    rules = AvailabilityRules.from_stored(stored)
    event = CalendarEvent(
        id="e",
        subject="Salary talk",
        start=T0,
        end=T0 + timedelta(hours=1),
        location_name="Room 1",
        sensitivity=Sensitivity.PRIVATE,
    )
    kept = to_busy_slot(event, rules)
    shown = details and not free_busy_only
    assert (kept.subject == "Salary talk") == shown
    assert (kept.location == "Room 1") == shown


def test_private_meetings_are_ignored_when_they_do_not_count() -> None:
    private = BusySlot("e", T0, T0 + timedelta(hours=1), ShowAs.BUSY, is_private=True)
    counted = AvailabilityRules.from_stored(None)
    ignored = AvailabilityRules.from_stored({"privateMeetingsCount": False})
    assert availability_at([private], T0, counted) is Availability.BUSY
    assert availability_at([private], T0, ignored) is Availability.AVAILABLE
