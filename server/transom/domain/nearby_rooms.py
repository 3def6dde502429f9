"""Free rooms near a door display's room: same building, nearest floors first.

Pure: callers pass the rooms, their busy spans and ``now``. A room counts as
free when nothing occupies it now and it stays free for at least
``MIN_FREE``; how long it is free ends at its next booking (or stays open:
free for the rest of the horizon).

Floors are free text ("3", "-1", "Ground", "3rd floor"): the first whole number
in the name is the floor's level ("Ground"/"G"/"EG"/"Stue" count as 0), and
floors without a level come after those with one. The same text is always
distance 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_FREE = timedelta(minutes=15)
UNKNOWN_DISTANCE = 10_000
GROUND = {"ground", "g", "gf", "eg", "erdgeschoss", "stue", "st", "st."}
LEVEL = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Candidate:
    """A room that might be offered: its id, name, floor and seats."""

    id: str
    name: str
    floor: str | None
    capacity: int | None


@dataclass(frozen=True)
class FreeRoom:
    room: Candidate
    free_until: datetime | None  # None: free for the rest of the horizon
    floor_distance: int | None  # None: unknown


def floor_level(floor: str | None) -> int | None:
    """The level of a floor's name, if it has one.

    >>> floor_level("3rd floor"), floor_level("Ground"), floor_level("-1"), floor_level("Roof")
    (3, 0, -1, None)
    """
    if floor is None:
        return None
    text = floor.strip().lower()
    if text in GROUND:
        return 0
    found = LEVEL.search(text)
    return int(found.group()) if found else None


def floor_distance(here: str | None, there: str | None) -> int | None:
    """How many floors apart; 0 for the same floor name (or neither has one);
    None if unknown."""
    if (here or "").strip() == (there or "").strip():
        return 0
    a, b = floor_level(here), floor_level(there)
    if a is None or b is None:
        return None
    return abs(a - b)


def free_rooms_nearby(
    here_floor: str | None,
    candidates: Iterable[Candidate],
    busy: Mapping[str, Sequence[tuple[datetime, datetime]]],
    now: datetime,
    *,
    limit: int,
    min_free: timedelta = MIN_FREE,
) -> list[FreeRoom]:
    """Candidates free now for at least ``min_free``: nearest floors first,
    then the longest free, then by name; at most ``limit``."""
    found: list[FreeRoom] = []
    for room in candidates:
        spans = busy.get(room.id, ())
        if any(start <= now < end for start, end in spans):
            continue
        until = min((start for start, _ in spans if start > now), default=None)
        if until is not None and until - now < min_free:
            continue
        found.append(FreeRoom(room, until, floor_distance(here_floor, room.floor)))

    def order(item: FreeRoom) -> tuple[int, float, str]:
        distance = (
            UNKNOWN_DISTANCE if item.floor_distance is None else item.floor_distance
        )
        free_for = (
            float("inf")
            if item.free_until is None
            else (item.free_until - now).total_seconds()
        )
        return distance, -free_for, item.room.name.lower()

    return sorted(found, key=order)[: max(0, limit)]
