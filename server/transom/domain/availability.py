"""A person's availability, derived from their calendar (pure rules).

Each calendar event's ``showAs`` maps to an :class:`Availability` through the
tenant's mapping (``tenant.settings["availability"]``); when several events
overlap ``at``, the strongest wins (out of office > busy > working elsewhere >
tentative > available). Events shown as free are stored but ignored when read
unless the tenant includes them (so the toggle acts at once, without a
resync). In free/busy-only mode nothing but times and showAs is stored; private
events never keep their subject or location.

>>> rules = AvailabilityRules.from_stored(None)
>>> rules.of_show_as(ShowAs.OOF)
<Availability.OUT_OF_OFFICE: 'OUT_OF_OFFICE'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from transom.domain.absences import SyncTarget
from transom.domain.calendar import CalendarEvent, EventType, ShowAs

AVAILABILITY_SETTING = "availability"


class Availability(StrEnum):
    AVAILABLE = "AVAILABLE"
    TENTATIVE = "TENTATIVE"
    WORKING_ELSEWHERE = "WORKING_ELSEWHERE"
    BUSY = "BUSY"
    OUT_OF_OFFICE = "OUT_OF_OFFICE"


STRENGTH = {a: n for n, a in enumerate(Availability)}
"""Later members win when events overlap."""

DEFAULT_MAPPING: Mapping[ShowAs, Availability] = {
    ShowAs.FREE: Availability.AVAILABLE,
    ShowAs.TENTATIVE: Availability.TENTATIVE,
    ShowAs.BUSY: Availability.BUSY,
    ShowAs.OOF: Availability.OUT_OF_OFFICE,
    ShowAs.WORKING_ELSEWHERE: Availability.WORKING_ELSEWHERE,
    ShowAs.UNKNOWN: Availability.BUSY,
}


@dataclass(frozen=True)
class AvailabilityRules:
    """A tenant's availability settings. Stored JSON (keys optional)::

    {"mapping": {"TENTATIVE": "BUSY"}, "includeFree": false, "freeBusyOnly": false,
     "newcomersFollowCalendar": true}
    """

    mapping: Mapping[ShowAs, Availability] = field(default_factory=dict)
    include_free: bool = False
    free_busy_only: bool = False
    # Whether people new in the directory start with "availability follows
    # calendar" on (each person's own switch decides after that).
    newcomers_follow_calendar: bool = True

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any] | None) -> AvailabilityRules:
        data = stored or {}
        mapping = {
            ShowAs(k): Availability(v)
            for k, v in (data.get("mapping") or {}).items()
            if k in ShowAs.__members__ and v in Availability.__members__
        }
        return cls(
            mapping=mapping,
            include_free=data.get("includeFree") is True,
            free_busy_only=data.get("freeBusyOnly") is True,
            newcomers_follow_calendar=data.get("newcomersFollowCalendar") is not False,
        )

    def of_show_as(self, show_as: ShowAs) -> Availability:
        return self.mapping.get(show_as) or DEFAULT_MAPPING[show_as]

    def keeps(self, event: CalendarEvent) -> bool:
        """Whether the event is stored at all: not when cancelled or a series
        master (its occurrences are stored one by one)."""
        return not event.is_cancelled and event.type is not EventType.SERIES_MASTER

    def counts(self, slot: BusySlot) -> bool:
        """Whether a stored slot counts when read (free ones only if included)."""
        return self.include_free or slot.show_as is not ShowAs.FREE


@dataclass(frozen=True)
class BusySlot:
    """What Transom keeps of a person's event; text only outside free/busy-only
    mode, and never for private events."""

    event_id: str
    start: datetime
    end: datetime
    show_as: ShowAs
    is_private: bool = False
    is_all_day: bool = False
    subject: str | None = None
    location: str | None = None


def to_busy_slot(event: CalendarEvent, rules: AvailabilityRules) -> BusySlot:
    """The slot to store for ``event`` under the tenant's privacy rules."""
    hide = rules.free_busy_only or event.is_private
    return BusySlot(
        event_id=event.id,
        start=event.start,
        end=event.end,
        show_as=event.show_as,
        is_private=event.is_private,
        is_all_day=event.is_all_day,
        subject=None if hide else event.subject,
        location=None if hide or not event.location_name else event.location_name,
    )


def availability_at(
    slots: Iterable[BusySlot], at: datetime, rules: AvailabilityRules
) -> Availability:
    """The strongest availability among the slots covering ``at``."""
    found = Availability.AVAILABLE
    for slot in slots:
        if not slot.start <= at < slot.end:
            continue
        if not rules.counts(slot):
            continue
        candidate = rules.of_show_as(slot.show_as)
        if STRENGTH[candidate] > STRENGTH[found]:
            found = candidate
    return found


@dataclass(frozen=True)
class AbsenceWindow:
    """An approved absence, for people whose availability ignores the calendar."""

    start: datetime
    end: datetime
    target: SyncTarget


def availability_from_absences(
    absences: Iterable[AbsenceWindow], at: datetime
) -> Availability:
    found = Availability.AVAILABLE
    for absence in absences:
        if not absence.start <= at < absence.end:
            continue
        if absence.target is SyncTarget.OUT_OF_OFFICE:
            return Availability.OUT_OF_OFFICE
        if absence.target is SyncTarget.WORKING_ELSEWHERE:
            found = Availability.WORKING_ELSEWHERE
    return found


def until(
    slots: Iterable[BusySlot], at: datetime, rules: AvailabilityRules
) -> datetime | None:
    """When the availability at ``at`` can next change (the nearest boundary)."""
    bounds = [b for s in slots if rules.counts(s) for b in (s.start, s.end) if b > at]
    return min(bounds, default=None)
