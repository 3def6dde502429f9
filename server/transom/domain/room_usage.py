"""Room analytics: how much rooms are used, from bookings and what happened at
the door. Pure: the caller loads rooms and bookings and passes them in.

Rules (the README's "Room analytics" says the same):

- A booking counts when it holds its room (PENDING, CONFIRMED), or when it
  was ended early at the door or released as a no-show (those are CANCELLED
  afterwards, but the room was held until then). Cancelled and declined
  bookings never count.
- A booking holds its room from its start to its end, or to the moment it was
  ended early or released. Hours are clipped to the range; overlapping
  bookings of one room count once, so a room is never more than 100 % used.
- A meeting belongs to the range its start falls in (counts, median length,
  door bookings, check-ins, releases, early ends, extensions).
- Utilisation is the booked share of the rooms' working hours (the tenant's
  whole working hours on its working days, in its time zone). The heatmap is
  the booked share of each weekday x hour cell, 168 values from Monday 00-01
  to Sunday 23-24 in the tenant's time zone, over every hour of the range.

>>> from datetime import UTC
>>> t = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday
>>> room = UsageRoom("r1", "Aurora", "North", "1")
>>> spans = {"r1": [(t.timestamp(), t.timestamp() + 7200)]}
>>> hours = WorkingHours(8, 17, frozenset({1, 2, 3, 4, 5}), "UTC")
>>> report = room_usage([room], spans, {}, t - timedelta(hours=9),
...                     t + timedelta(hours=15), hours, Grouping.ROOM)
>>> report.total.booked_hours, round(report.total.utilisation, 3)
(2.0, 0.222)
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from operator import add
from statistics import median
from zoneinfo import ZoneInfo

from transom.domain.errors import InvalidInputError

MAX_RANGE = timedelta(days=400)
CELLS = 7 * 24
COUNTED_STATES = ("PENDING", "CONFIRMED")
DOOR_SOURCE = "DISPLAY"
NO_BUILDING = "No building"
NO_FLOOR = "No floor"


class Grouping(StrEnum):
    ROOM = "ROOM"
    BUILDING = "BUILDING"
    FLOOR = "FLOOR"


@dataclass(frozen=True)
class UsageRoom:
    id: str
    name: str
    building: str | None
    floor: str | None


Span = tuple[float, float]
"""One booking that counts, as analytics see it: its start and when it gave the
room back (its end, or when it was ended early or released). Nothing else: no
subject, no organizer.

Times are epoch seconds (UTC), not datetimes: a year of a large tenant is
~200,000 bookings, and the database hands them over as numbers in a fraction
of the time (``transom.db.room_usage``). A room's spans come in a list, best
sorted by start (sorting a sorted list costs next to nothing).
"""


@dataclass(frozen=True)
class DoorCounts:
    """What happened at the door with one room's meetings starting in the range."""

    door_bookings: int = 0
    checked_in: int = 0
    released: int = 0
    ended_early: int = 0
    extended: int = 0


@dataclass(frozen=True)
class WorkingHours:
    """Whole hours ``start``..``end`` on ISO ``days``, in ``time_zone``."""

    start: int
    end: int
    days: frozenset[int]
    time_zone: str

    def covers(self, cell: int) -> bool:
        weekday, hour = divmod(cell, 24)
        return weekday + 1 in self.days and self.start <= hour < self.end


@dataclass
class UsageFigures:
    """One group's figures (or every room's, for the total)."""

    key: str
    label: str
    rooms: int
    building: str | None = None
    floor: str | None = None
    room_id: str | None = None
    booked_hours: float = 0.0
    working_hours: float = 0.0
    booked_working_hours: float = 0.0
    meetings: int = 0
    median_minutes: float | None = None
    door_bookings: int = 0
    checked_in: int = 0
    released: int = 0
    ended_early: int = 0
    extended: int = 0
    heatmap: list[float] = field(default_factory=lambda: [0.0] * CELLS)

    @property
    def utilisation(self) -> float:
        """Booked share of the working hours, 0..1 (0 without working hours)."""
        if not self.working_hours:
            return 0.0
        return self.booked_working_hours / self.working_hours


@dataclass(frozen=True)
class UsageReport:
    total: UsageFigures
    groups: list[UsageFigures]


def check_usage_range(start: datetime, end: datetime) -> None:
    """Refuses a range that is empty, naive or longer than :data:`MAX_RANGE`."""
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInputError("from and to need a UTC offset", field="from")
    if end <= start:
        raise InvalidInputError("to must be after from", field="to")
    if end - start > MAX_RANGE:
        raise InvalidInputError(
            f"a usage range can span at most {MAX_RANGE.days} days", field="to"
        )


@dataclass(frozen=True)
class _Timeline:
    """The range cut at every whole local hour: ``bounds[i]..bounds[i+1]`` (epoch
    seconds) lies in heatmap cell ``cells[i]``."""

    bounds: list[float]
    cells: list[int]

    @classmethod
    def of(cls, start: datetime, end: datetime, zone: ZoneInfo) -> _Timeline:
        bounds, cells = [start.timestamp()], []
        stop = end.timestamp()
        while bounds[-1] < stop:
            local = datetime.fromtimestamp(bounds[-1], zone)
            cells.append(local.weekday() * 24 + local.hour)
            into_hour = local.minute * 60 + local.second + local.microsecond / 1e6
            bounds.append(min(stop, bounds[-1] + 3600 - into_hour))
        return cls(bounds, cells)

    def spread(self, start: float, end: float, into: list[float]) -> None:
        """Adds the seconds of ``start..end`` (inside the range, not empty) to
        the cells they fall in."""
        bounds, cells = self.bounds, self.cells
        index = bisect_right(bounds, start) - 1
        after = bounds[index + 1]
        if end <= after:  # most meetings: inside one hour
            into[cells[index]] += end - start
            return
        into[cells[index]] += after - start
        index += 1
        after = bounds[index + 1]
        while after < end:
            into[cells[index]] += after - bounds[index]
            index += 1
            after = bounds[index + 1]
        into[cells[index]] += end - bounds[index]

    def seconds_per_cell(self) -> list[float]:
        found = [0.0] * CELLS
        self.spread(self.bounds[0], self.bounds[-1], found)
        return found

    def held(self, spans: list[Span]) -> list[float]:
        """Seconds per cell that a room was held by ``spans``: each clipped to
        the range, overlaps merged (so counted once), then spread. The hot loop
        of a report (one turn per booking): plain comparisons, no calls but
        for stretches that are not inside one hour."""
        bounds, cells = self.bounds, self.cells
        first, last = bounds[0], bounds[-1]
        held = [0.0] * CELLS
        begun = ended = first  # the stretch held so far
        for start, until in sorted(spans):
            if start < first:
                start = first
            if until > last:
                until = last
            if until <= start:
                continue
            if start <= ended:  # overlaps (or touches) the stretch
                if until > ended:
                    ended = until
                continue
            if ended > begun:
                index = bisect_right(bounds, begun) - 1
                if ended <= bounds[index + 1]:
                    held[cells[index]] += ended - begun
                else:
                    self.spread(begun, ended, held)
            begun, ended = start, until
        if ended > begun:
            self.spread(begun, ended, held)
        return held


def room_usage(
    rooms: Sequence[UsageRoom],
    spans: Mapping[str, list[Span]],
    door: Mapping[str, DoorCounts],
    start: datetime,
    end: datetime,
    hours: WorkingHours,
    grouping: Grouping,
) -> UsageReport:
    """Figures per group of ``rooms`` (and for all of them) over ``start..end``,
    from each room's spans of the bookings that count and its door counts."""
    check_usage_range(start, end)
    timeline = _Timeline.of(start, end, ZoneInfo(hours.time_zone))
    capacity = timeline.seconds_per_cell()
    measured = {room.id: _measure(spans.get(room.id, []), timeline) for room in rooms}
    members: dict[str, list[UsageRoom]] = defaultdict(list)
    for room in rooms:
        members[_group_key(room, grouping)].append(room)
    groups = [
        _figures(_group_of(key, found[0], grouping), found, measured, door)
        for key, found in members.items()
    ]
    total = _figures(UsageFigures("ALL", "All rooms", 0), rooms, measured, door)
    working = [cell for cell in range(CELLS) if hours.covers(cell)]
    for figures in [total, *groups]:
        _finish(figures, capacity, working)
    groups.sort(key=lambda g: g.label.casefold())
    return UsageReport(total, groups)


@dataclass
class _Measured:
    """One room's held seconds per cell and meeting lengths (seconds)."""

    held: list[float]
    lengths: list[float] = field(default_factory=list)


def _measure(spans: list[Span], timeline: _Timeline) -> _Measured:
    first, last = timeline.bounds[0], timeline.bounds[-1]
    lengths = [
        until - start if until > start else 0.0
        for start, until in spans
        if first <= start < last
    ]
    return _Measured(timeline.held(spans), lengths)


def _group_key(room: UsageRoom, grouping: Grouping) -> str:
    if grouping is Grouping.ROOM:
        return room.id
    building = room.building or NO_BUILDING
    if grouping is Grouping.BUILDING:
        return building
    return f"{building}\x1f{room.floor or NO_FLOOR}"


def _group_of(key: str, room: UsageRoom, grouping: Grouping) -> UsageFigures:
    building = room.building or NO_BUILDING
    if grouping is Grouping.ROOM:
        return UsageFigures(key, room.name, 1, room.building, room.floor, room.id)
    if grouping is Grouping.BUILDING:
        return UsageFigures(key, building, 0, room.building)
    floor = room.floor or NO_FLOOR
    return UsageFigures(key, f"{building}, floor {floor}", 0, room.building, room.floor)


def _figures(
    figures: UsageFigures,
    rooms: Sequence[UsageRoom],
    measured: dict[str, _Measured],
    door: Mapping[str, DoorCounts],
) -> UsageFigures:
    """The sums over ``rooms``; the heatmap holds held seconds until finished."""
    figures.rooms = len(rooms)
    lengths: list[float] = []
    for room in rooms:
        one = measured[room.id]
        lengths.extend(one.lengths)
        figures.heatmap = list(map(add, figures.heatmap, one.held))
        counts = door.get(room.id, DoorCounts())
        figures.door_bookings += counts.door_bookings
        figures.checked_in += counts.checked_in
        figures.released += counts.released
        figures.ended_early += counts.ended_early
        figures.extended += counts.extended
    figures.meetings = len(lengths)
    figures.median_minutes = median(lengths) / 60 if lengths else None
    return figures


def _finish(figures: UsageFigures, capacity: list[float], working: list[int]) -> None:
    """Held seconds per cell become hours, utilisation and shares per cell;
    ``working`` are the cells inside working hours."""
    held = figures.heatmap
    figures.booked_hours = sum(held) / 3600
    figures.booked_working_hours = sum(held[c] for c in working) / 3600
    figures.working_hours = sum(capacity[c] for c in working) * figures.rooms / 3600
    figures.heatmap = [
        held[c] / (capacity[c] * figures.rooms)
        if capacity[c] and figures.rooms
        else 0.0
        for c in range(CELLS)
    ]
