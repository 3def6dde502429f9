"""Time zones as Graph accepts and returns them.

Graph takes Windows zone names ("W. Europe Standard Time") and IANA names
("Europe/Berlin") in ``dateTimeTimeZone.timeZone`` and ``Prefer:
outlook.timezone``; output echoes the caller's name. ``dateTime`` is local wall
time with 7 fractional digits on output (``2026-11-21T09:00:00.0000000``);
input accepts fewer digits and an optional offset or ``Z``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import GraphError

WINDOWS_ZONES = {
    "utc": "UTC",
    "coordinated universal time": "UTC",
    "dateline standard time": "Etc/GMT+12",
    "hawaiian standard time": "Pacific/Honolulu",
    "alaskan standard time": "America/Anchorage",
    "pacific standard time": "America/Los_Angeles",
    "us mountain standard time": "America/Phoenix",
    "mountain standard time": "America/Denver",
    "central standard time": "America/Chicago",
    "central america standard time": "America/Guatemala",
    "central standard time (mexico)": "America/Mexico_City",
    "eastern standard time": "America/New_York",
    "sa pacific standard time": "America/Bogota",
    "atlantic standard time": "America/Halifax",
    "newfoundland standard time": "America/St_Johns",
    "e. south america standard time": "America/Sao_Paulo",
    "argentina standard time": "America/Argentina/Buenos_Aires",
    "greenwich standard time": "Atlantic/Reykjavik",
    "gmt standard time": "Europe/London",
    "morocco standard time": "Africa/Casablanca",
    "w. europe standard time": "Europe/Berlin",
    "romance standard time": "Europe/Paris",
    "central europe standard time": "Europe/Budapest",
    "central european standard time": "Europe/Warsaw",
    "w. central africa standard time": "Africa/Lagos",
    "gtb standard time": "Europe/Bucharest",
    "fle standard time": "Europe/Kiev",
    "e. europe standard time": "Europe/Chisinau",
    "israel standard time": "Asia/Jerusalem",
    "egypt standard time": "Africa/Cairo",
    "south africa standard time": "Africa/Johannesburg",
    "turkey standard time": "Europe/Istanbul",
    "russian standard time": "Europe/Moscow",
    "e. africa standard time": "Africa/Nairobi",
    "arab standard time": "Asia/Riyadh",
    "arabian standard time": "Asia/Dubai",
    "iran standard time": "Asia/Tehran",
    "pakistan standard time": "Asia/Karachi",
    "india standard time": "Asia/Kolkata",
    "sri lanka standard time": "Asia/Colombo",
    "nepal standard time": "Asia/Kathmandu",
    "bangladesh standard time": "Asia/Dhaka",
    "se asia standard time": "Asia/Bangkok",
    "china standard time": "Asia/Shanghai",
    "singapore standard time": "Asia/Singapore",
    "taipei standard time": "Asia/Taipei",
    "w. australia standard time": "Australia/Perth",
    "tokyo standard time": "Asia/Tokyo",
    "korea standard time": "Asia/Seoul",
    "cen. australia standard time": "Australia/Adelaide",
    "e. australia standard time": "Australia/Brisbane",
    "aus eastern standard time": "Australia/Sydney",
    "new zealand standard time": "Pacific/Auckland",
}

_LOCAL = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def unsupported_zone(name: str) -> GraphError:
    return GraphError(
        400,
        "TimeZoneNotSupportedException",
        "A valid TimeZone value must be specified. The following TimeZone value is "
        f"not supported: '{name}'.",
    )


def zone(name: str) -> ZoneInfo:
    """The zone for a Windows or IANA name; 400 for anything else."""
    mapped = WINDOWS_ZONES.get(name.strip().lower(), name.strip())
    try:
        return ZoneInfo(mapped)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise unsupported_zone(name) from exc


def parse_moment(text: str) -> tuple[datetime, bool]:
    """``(naive wall time, had_offset)``; an offset/Z converts the value to UTC."""
    match = _LOCAL.match(text.strip())
    if not match:
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            f"Cannot convert the literal '{text}' to the expected type 'Edm.DateTimeOffset'.",
        )
    day, clock, fraction, offset = match.groups()
    clock = clock or "00:00:00"
    clock = clock if clock.count(":") == 2 else clock + ":00"
    micro = (fraction or "0")[:6].ljust(6, "0")
    local = datetime.fromisoformat(f"{day}T{clock}.{micro}")
    if offset is None:
        return local, False
    aware = datetime.fromisoformat(
        f"{day}T{clock}.{micro}{'+00:00' if offset == 'Z' else offset}"
    )
    return aware.astimezone(UTC).replace(tzinfo=None), True


def to_utc(value: dict[str, Any]) -> datetime:
    """An aware UTC datetime for a Graph ``dateTimeTimeZone``."""
    local, had_offset = parse_moment(str(value.get("dateTime", "")))
    tz = UTC if had_offset else zone(str(value.get("timeZone") or "UTC"))
    return local.replace(tzinfo=tz).astimezone(UTC)


def format7(moment: datetime) -> str:
    """Wall time with Graph's 7 fractional digits."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


def from_utc(moment: datetime, zone_name: str = "UTC") -> dict[str, str]:
    """A ``dateTimeTimeZone`` for ``moment`` in ``zone_name`` (name echoed)."""
    local = moment.astimezone(zone(zone_name)).replace(tzinfo=None)
    return {"dateTime": format7(local), "timeZone": zone_name}


def normalise(value: dict[str, Any]) -> dict[str, str]:
    """A client's ``dateTimeTimeZone`` validated and written with 7 digits."""
    local, had_offset = parse_moment(str(value.get("dateTime", "")))
    name = "UTC" if had_offset else str(value.get("timeZone") or "UTC")
    zone(name)
    return {"dateTime": format7(local), "timeZone": name}


def parse_query_time(text: str) -> datetime:
    """A ``startDateTime``/``endDateTime`` query value; no offset means UTC."""
    if not text:
        raise GraphError(
            400,
            "ErrorInvalidParameter",
            "This request requires a time window specified by the query string "
            "parameters StartDateTime and EndDateTime.",
        )
    local, _ = parse_moment(text.replace(" ", "+"))
    return local.replace(tzinfo=UTC)
