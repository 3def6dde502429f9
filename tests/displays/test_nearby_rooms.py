"""Which free rooms a door display suggests, and in what order (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from transom.domain.nearby_rooms import Candidate, floor_level, free_rooms_nearby

NOW = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)


def room(name: str, floor: str | None) -> Candidate:
    return Candidate(id=name, name=name, floor=floor, capacity=6)


@pytest.mark.parametrize(
    ("floor", "level"),
    [("3", 3), ("3rd floor", 3), ("-1", -1), ("Ground", 0), ("EG", 0), ("Roof", None)],
)
def test_a_floor_name_has_a_level(floor: str, level: int | None) -> None:
    assert floor_level(floor) == level


def test_nearest_floors_first_then_the_longest_free() -> None:
    # given rooms around the display's room on floor 2
    rooms = [
        room("Roof garden", "Roof"),
        room("Five", "5"),
        room("Ground", "Ground"),
        room("Two short", "2"),
        room("Two long", "2"),
        room("Three", "3rd floor"),
    ]
    busy = {
        "Two short": [(NOW + timedelta(minutes=30), NOW + timedelta(hours=1))],
        "Two long": [(NOW + timedelta(hours=3), NOW + timedelta(hours=4))],
    }
    # when
    found = free_rooms_nearby("2", rooms, busy, NOW, limit=10)
    # then
    assert [f.room.name for f in found] == [
        "Two long",
        "Two short",
        "Three",
        "Ground",
        "Five",
        "Roof garden",
    ]
    assert found[1].free_until == NOW + timedelta(minutes=30)


def test_busy_rooms_and_rooms_free_only_briefly_are_left_out() -> None:
    # given
    rooms = [room("Taken", "2"), room("Brief", "2"), room("Open", "2")]
    busy = {
        "Taken": [(NOW - timedelta(minutes=5), NOW + timedelta(minutes=25))],
        "Brief": [(NOW + timedelta(minutes=10), NOW + timedelta(minutes=40))],
    }
    # when
    found = free_rooms_nearby("2", rooms, busy, NOW, limit=3)
    # then
    assert [(f.room.name, f.free_until) for f in found] == [("Open", None)]
