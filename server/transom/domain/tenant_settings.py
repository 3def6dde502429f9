"""Per-tenant settings: what door displays show and how bookings behave.

Stored as JSON on the tenant (``tenant.settings``) under the camelCase keys
below; a missing key means its default, so older rows need no migration.

>>> TenantSettings.from_stored({"displayLanguage": "da"}).display_language
'da'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from transom.domain.errors import InvalidInputError


class PrivateMeetingHandling(StrEnum):
    SHOW_AS_PRIVATE = "SHOW_AS_PRIVATE"
    SHOW_AS_BUSY = "SHOW_AS_BUSY"


class Weekday(IntEnum):
    """A day of the week, ISO numbered (Monday 1)."""

    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7


class DisplayLanguage(StrEnum):
    """Stored and sent to displays as the lower-case code."""

    EN = "en"
    DA = "da"
    DE = "de"


PRIVATE_MEETING_HANDLING = tuple(m.value for m in PrivateMeetingHandling)
DISPLAY_LANGUAGES = tuple(m.value for m in DisplayLanguage)
NO_SHOW_RELEASE_MINUTES = (5, 60)
WEEKDAYS = range(1, 8)  # ISO: 1 is Monday, 7 is Sunday

_KEYS = {
    "show_subject": "showSubject",
    "show_organizer": "showOrganizer",
    "private_meeting_handling": "privateMeetingHandling",
    "allow_resource_booking_declination": "allowResourceBookingDeclination",
    "check_in_required": "checkInRequired",
    "no_show_release_minutes": "noShowReleaseMinutes",
    "display_language": "displayLanguage",
    "check_in_required_since": "checkInRequiredSince",
    "working_hours_start": "workingHoursStart",
    "working_hours_end": "workingHoursEnd",
    "working_days": "workingDays",
}


@dataclass(frozen=True)
class TenantSettings:
    show_subject: bool = True
    show_organizer: bool = True
    private_meeting_handling: str = "SHOW_AS_PRIVATE"
    allow_resource_booking_declination: bool = False
    check_in_required: bool = False
    no_show_release_minutes: int = 10
    display_language: str = "en"
    # When check-in last became required (ISO 8601): meetings that began
    # before then are never released as no-shows. Set by ``applied``.
    check_in_required_since: str | None = None
    # The tenant's working hours (whole hours, in its time zone) and days (ISO
    # weekdays): what room analytics measure utilisation against.
    working_hours_start: int = 8
    working_hours_end: int = 17
    working_days: tuple[int, ...] = (1, 2, 3, 4, 5)

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> TenantSettings:
        """Defaults for missing or unusable values: a bad row never breaks a page."""
        values = {}
        for attribute, key in _KEYS.items():
            if stored and key in stored:
                try:
                    _check(attribute, stored[key])
                except InvalidInputError:
                    continue
                values[attribute] = stored[key]
        try:
            return cls().changed(values)
        except InvalidInputError:  # working hours that end before they start
            values.pop("working_hours_start", None)
            values.pop("working_hours_end", None)
            return cls().changed(values)

    def to_stored(self) -> dict[str, Any]:
        stored = {_KEYS[name]: value for name, value in asdict(self).items()}
        stored["workingDays"] = list(self.working_days)
        return stored

    def changed(self, changes: dict[str, Any]) -> TenantSettings:
        """A copy with ``changes`` (attribute names) applied, validated."""
        for attribute, value in changes.items():
            _check(attribute, value)
        if "working_days" in changes:
            changes = {
                **changes,
                "working_days": tuple(sorted(set(changes["working_days"]))),
            }
        updated = replace(self, **changes)
        if updated.working_hours_start >= updated.working_hours_end:
            raise InvalidInputError(
                "working hours must end after they start", field="workingHoursEnd"
            )
        return updated

    def applied(self, changes: dict[str, Any], now: datetime) -> TenantSettings:
        """An admin's ``changes`` at ``now``: when they switch check-in on, it is
        required from ``now`` on (meetings already running are left alone).

        >>> from datetime import UTC
        >>> at = datetime(2026, 12, 3, 16, 10, tzinfo=UTC)
        >>> TenantSettings().applied({"check_in_required": True}, at).check_in_required_since
        '2026-12-03T16:10:00+00:00'
        """
        changes = {k: v for k, v in changes.items() if k != "check_in_required_since"}
        updated = self.changed(changes)
        if updated.check_in_required and not self.check_in_required:
            updated = replace(updated, check_in_required_since=now.isoformat())
        return updated

    def check_in_required_from(self) -> datetime | None:
        """The moment check-in became required, if known and required."""
        if not self.check_in_required or not self.check_in_required_since:
            return None
        return datetime.fromisoformat(self.check_in_required_since)


def _check(attribute: str, value: Any) -> None:
    field = _KEYS.get(attribute)
    if field is None:
        raise InvalidInputError(f"{attribute!r} is not a tenant setting")
    if attribute == "private_meeting_handling":
        _one_of(field, value, PRIVATE_MEETING_HANDLING)
    elif attribute == "display_language":
        _one_of(field, value, DISPLAY_LANGUAGES)
    elif attribute == "check_in_required_since":
        if value is not None:
            try:
                datetime.fromisoformat(str(value))
            except ValueError:
                raise InvalidInputError("give an ISO 8601 time", field=field) from None
    elif attribute in ("working_hours_start", "working_hours_end"):
        _whole_number(field, value, 0 if attribute == "working_hours_start" else 1)
    elif attribute == "working_days":
        if not isinstance(value, list | tuple) or not value:
            raise InvalidInputError("give at least one working day", field=field)
        for day in value:
            if isinstance(day, bool) or day not in WEEKDAYS:
                raise InvalidInputError(
                    "working days are ISO weekdays, 1 (Monday) to 7", field=field
                )
    elif attribute == "no_show_release_minutes":
        low, high = NO_SHOW_RELEASE_MINUTES
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidInputError("give a whole number of minutes", field=field)
        if not low <= value <= high:
            raise InvalidInputError(
                f"release a no-show room after {low} to {high} minutes", field=field
            )
    elif not isinstance(value, bool):
        raise InvalidInputError("give true or false", field=field)


def _whole_number(field: str, value: Any, low: int) -> None:
    """An hour of the day: 0..23 for a start, 1..24 for an end."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("give a whole hour", field=field)
    if not low <= value <= low + 23:
        raise InvalidInputError(f"give an hour from {low} to {low + 23}", field=field)


def _one_of(field: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidInputError(
            f"{value!r} is not one of {', '.join(allowed)}", field=field
        )
