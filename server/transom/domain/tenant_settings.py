"""Per-tenant settings: what door displays show and how bookings behave.

Stored as JSON on the tenant (``tenant.settings``) under the camelCase keys
below; a missing key means its default, so older rows need no migration.

>>> TenantSettings.from_stored({"displayLanguage": "da"}).display_language
'da'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from transom.domain.errors import InvalidInputError


class PrivateMeetingHandling(StrEnum):
    SHOW_AS_PRIVATE = "SHOW_AS_PRIVATE"
    SHOW_AS_BUSY = "SHOW_AS_BUSY"


class DisplayLanguage(StrEnum):
    """Stored and sent to displays as the lower-case code."""

    EN = "en"
    DA = "da"
    DE = "de"


PRIVATE_MEETING_HANDLING = tuple(m.value for m in PrivateMeetingHandling)
DISPLAY_LANGUAGES = tuple(m.value for m in DisplayLanguage)
NO_SHOW_RELEASE_MINUTES = (5, 60)

_KEYS = {
    "show_subject": "showSubject",
    "show_organizer": "showOrganizer",
    "private_meeting_handling": "privateMeetingHandling",
    "allow_resource_booking_declination": "allowResourceBookingDeclination",
    "check_in_required": "checkInRequired",
    "no_show_release_minutes": "noShowReleaseMinutes",
    "display_language": "displayLanguage",
    "check_in_required_since": "checkInRequiredSince",
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

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> TenantSettings:
        """Defaults for missing or unusable values: a bad row never breaks a page."""
        settings = cls()
        for attribute, key in _KEYS.items():
            if stored and key in stored:
                try:
                    settings = settings.changed({attribute: stored[key]})
                except InvalidInputError:
                    continue
        return settings

    def to_stored(self) -> dict[str, Any]:
        return {_KEYS[name]: value for name, value in asdict(self).items()}

    def changed(self, changes: dict[str, Any]) -> TenantSettings:
        """A copy with ``changes`` (attribute names) applied, validated."""
        for attribute, value in changes.items():
            _check(attribute, value)
        return replace(self, **changes)

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


def _one_of(field: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidInputError(
            f"{value!r} is not one of {', '.join(allowed)}", field=field
        )
