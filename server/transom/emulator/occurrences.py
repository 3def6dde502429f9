"""Expanding a mailbox's events into calendar-view items.

An :class:`Item` is one entry of ``calendarView``: a single instance, an
occurrence of a series (id from :func:`.ids.occurrence_id`), or an exception
(a modified occurrence, same id, its overrides applied). Cancelled occurrences
are absent. Occurrences start at the master's wall-clock time in the master's
start zone, so they keep their local time across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from . import ids, timezones
from .model import Event
from .recurrence import occurrence_dates

MAX_MOVE = timedelta(days=7)


@dataclass(frozen=True)
class Item:
    """One calendar-view entry of ``event`` (a master or single instance)."""

    id: str
    event: Event
    kind: str
    start: datetime
    end: datetime
    original_start: str | None = None

    @property
    def change_key(self) -> str:
        overrides = self.event.exceptions.get(self.original_start or "", {})
        if self.original_start is None:
            return self.event.change_key
        default = self.event.series_key or self.event.change_key
        return str(overrides.get("changeKey", default))


def occurrence_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def span(event: Event) -> tuple[datetime, datetime]:
    return timezones.to_utc(event.start), timezones.to_utc(event.end)


def occurrence_start(event: Event, day: date) -> datetime:
    local, _ = timezones.parse_moment(event.start["dateTime"])
    zone = timezones.zone(event.start["timeZone"])
    return datetime.combine(day, local.time()).replace(tzinfo=zone).astimezone(UTC)


def _series(event: Event, until: datetime) -> Iterator[Item]:
    start, end = span(event)
    duration = end - start
    assert event.props["recurrence"] is not None
    for day in occurrence_dates(event.props["recurrence"], (until + MAX_MOVE).date()):
        first = occurrence_start(event, day)
        key = occurrence_key(first)
        if key in event.cancelled:
            continue
        overrides = event.exceptions.get(key)
        item_id = ids.occurrence_id(event.id, key)
        if overrides is None:
            yield Item(item_id, event, "occurrence", first, first + duration, key)
            continue
        moved_start = (
            timezones.to_utc(overrides["start"]) if "start" in overrides else first
        )
        moved_end = (
            timezones.to_utc(overrides["end"])
            if "end" in overrides
            else first + duration
        )
        yield Item(item_id, event, "exception", moved_start, moved_end, key)


def expand(event: Event, window_start: datetime, window_end: datetime) -> list[Item]:
    """Items of ``event`` overlapping ``[window_start, window_end)``."""
    if event.props.get("recurrence") is None:
        start, end = span(event)
        found = [Item(event.id, event, "singleInstance", start, end)]
    else:
        found = list(_series(event, window_end))
    return [
        i
        for i in found
        if i.start < window_end
        and (i.end > window_start or i.start == i.end == window_start)
    ]


def view(
    events: dict[str, Event], window_start: datetime, window_end: datetime
) -> list[Item]:
    """Every item of a mailbox in the window, ordered by start then id."""
    items = [i for e in events.values() for i in expand(e, window_start, window_end)]
    return sorted(items, key=lambda i: (i.start, i.id))


def master_item(event: Event) -> Item:
    start, end = span(event)
    kind = "seriesMaster" if event.props.get("recurrence") else "singleInstance"
    return Item(event.id, event, kind, start, end)


def find_item(events: dict[str, Event], item_id: str) -> Item | None:
    """The event, master or (possibly cancelled-free) occurrence named ``item_id``."""
    if item_id in events:
        return master_item(events[item_id])
    parsed = ids.parse_occurrence_id(item_id)
    if parsed is None or parsed[0] not in events:
        return None
    master, key = events[parsed[0]], parsed[1]
    moment = datetime.strptime(key, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    for item in expand(master, moment - MAX_MOVE, moment + MAX_MOVE):
        if item.original_start == key:
            return item
    return None
