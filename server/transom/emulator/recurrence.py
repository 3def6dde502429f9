"""Recurrence patterns and ranges (graph-contract.md §2.3): validation and expansion.

Pure functions. :func:`normalise_recurrence` turns a client's
``patternedRecurrence`` (enum values in any case) into Graph's full output shape;
:func:`occurrence_dates` yields the dates of a series in order, from the range's
``startDate``, honouring ``endDate`` / ``numbered`` / ``noEnd`` and stopping at
``until``. Monthly/yearly days past a month's end fall on its last day, as
Outlook does.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .errors import GraphError

PATTERN_TYPES = [
    "daily",
    "weekly",
    "absoluteMonthly",
    "relativeMonthly",
    "absoluteYearly",
    "relativeYearly",
]
RANGE_TYPES = ["endDate", "noEnd", "numbered"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
INDEXES = ["first", "second", "third", "fourth", "last"]


def _invalid(message: str) -> GraphError:
    return GraphError(400, "ErrorInvalidRequest", message)


def _enum(value: Any, allowed: list[str], what: str) -> str:
    for option in allowed:
        if str(value).lower() == option.lower():
            return option
    raise _invalid(f"'{value}' is not a valid value for {what}.")


def _require(pattern: dict[str, Any], kind: str) -> None:
    needs = {
        "weekly": ["daysOfWeek"],
        "absoluteMonthly": ["dayOfMonth"],
        "relativeMonthly": ["daysOfWeek"],
        "absoluteYearly": ["dayOfMonth", "month"],
        "relativeYearly": ["daysOfWeek", "month"],
    }.get(kind, [])
    for name in needs:
        if not pattern.get(name):
            raise _invalid(
                f"Recurrence pattern '{kind}' requires the property '{name}'."
            )


def normalise_pattern(raw: dict[str, Any]) -> dict[str, Any]:
    kind = _enum(raw.get("type"), PATTERN_TYPES, "recurrence pattern type")
    _require(raw, kind)
    interval = int(raw.get("interval") or 1)
    if interval < 1:
        raise _invalid("The recurrence interval must be at least 1.")
    return {
        "type": kind,
        "interval": interval,
        "month": int(raw.get("month") or 0),
        "dayOfMonth": int(raw.get("dayOfMonth") or 0),
        "daysOfWeek": [
            _enum(d, DAYS, "daysOfWeek") for d in raw.get("daysOfWeek") or []
        ],
        "firstDayOfWeek": _enum(
            raw.get("firstDayOfWeek") or "sunday", DAYS, "firstDayOfWeek"
        ),
        "index": _enum(raw.get("index") or "first", INDEXES, "index"),
    }


def normalise_range(raw: dict[str, Any], zone_name: str) -> dict[str, Any]:
    kind = _enum(raw.get("type") or "noEnd", RANGE_TYPES, "recurrence range type")
    try:
        start = date.fromisoformat(str(raw.get("startDate")))
        end = date.fromisoformat(str(raw["endDate"])) if kind == "endDate" else None
    except (ValueError, KeyError) as exc:
        raise _invalid(
            "The recurrence range needs valid startDate (and endDate) values."
        ) from exc
    count = int(raw.get("numberOfOccurrences") or 0)
    if kind == "numbered" and count < 1:
        raise _invalid(
            "A numbered recurrence range needs numberOfOccurrences of at least 1."
        )
    if end is not None and end < start:
        raise _invalid("The recurrence range endDate is before its startDate.")
    return {
        "type": kind,
        "startDate": start.isoformat(),
        "endDate": end.isoformat() if end else "0001-01-01",
        "recurrenceTimeZone": raw.get("recurrenceTimeZone") or zone_name,
        "numberOfOccurrences": count if kind == "numbered" else 0,
    }


def normalise_recurrence(
    raw: dict[str, Any] | None, zone_name: str
) -> dict[str, Any] | None:
    """Graph's full ``patternedRecurrence`` for a client's, or None."""
    if not raw:
        return None
    return {
        "pattern": normalise_pattern(raw.get("pattern") or {}),
        "range": normalise_range(raw.get("range") or {}, zone_name),
    }


def _add_months(day: date, months: int) -> tuple[int, int]:
    total = day.year * 12 + day.month - 1 + months
    return total // 12, total % 12 + 1


def _clamped(year: int, month: int, day_of_month: int) -> date:
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def _relative(year: int, month: int, days: list[str], index: str) -> date:
    wanted = {DAYS.index(d) for d in days}
    last = calendar.monthrange(year, month)[1]
    matches = [
        date(year, month, d)
        for d in range(1, last + 1)
        if date(year, month, d).weekday() in wanted
    ]
    return matches[-1] if index == "last" else matches[INDEXES.index(index)]


def _weekly(pattern: dict[str, Any], start: date) -> Iterator[date]:
    first = DAYS.index(pattern["firstDayOfWeek"])
    week = start - timedelta(days=(start.weekday() - first) % 7)
    offsets = sorted((DAYS.index(d) - first) % 7 for d in pattern["daysOfWeek"])
    while True:
        for offset in offsets:
            yield week + timedelta(days=offset)
        week += timedelta(weeks=pattern["interval"])


def _candidates(pattern: dict[str, Any], start: date) -> Iterator[date]:
    kind, step = pattern["type"], pattern["interval"]
    if kind == "daily":
        day = start
        while True:
            yield day
            day += timedelta(days=step)
    if kind == "weekly":
        yield from _weekly(pattern, start)
    months = step if kind.endswith("Monthly") else step * 12
    anchor = start.replace(day=1)
    if kind.endswith("Yearly"):
        anchor = date(start.year, pattern["month"], 1)
        if anchor < start.replace(day=1):
            anchor = date(start.year + 1, pattern["month"], 1)
    k = 0
    while True:
        year, month = _add_months(anchor, k * months)
        if kind.startswith("absolute"):
            yield _clamped(year, month, pattern["dayOfMonth"])
        else:
            yield _relative(year, month, pattern["daysOfWeek"], pattern["index"])
        k += 1


def occurrence_dates(recurrence: dict[str, Any], until: date) -> Iterator[date]:
    """Dates of the series' occurrences, in order, none after ``until``."""
    pattern, rng = recurrence["pattern"], recurrence["range"]
    start = date.fromisoformat(rng["startDate"])
    end = date.fromisoformat(rng["endDate"]) if rng["type"] == "endDate" else None
    count = rng["numberOfOccurrences"] if rng["type"] == "numbered" else None
    produced = 0
    for day in _candidates(pattern, start):
        if day < start:
            continue
        if (end is not None and day > end) or day > until:
            return
        yield day
        produced += 1
        if count is not None and produced >= count:
            return
