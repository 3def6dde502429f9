"""Per-tenant settings: what door displays show and how bookings behave.

Stored as JSON on the tenant (``tenant.settings``) under the camelCase keys
below; a missing key means its default, so older rows need no migration.

>>> TenantSettings.from_stored({"displayLanguage": "da"}).display_language
'da'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from transom.domain.errors import InvalidInputError

PRIVATE_MEETING_HANDLING = ("SHOW_AS_PRIVATE", "SHOW_AS_BUSY")
DISPLAY_LANGUAGES = ("en", "da", "de")
NO_SHOW_RELEASE_MINUTES = (5, 60)

_KEYS = {
    "show_subject": "showSubject",
    "show_organizer": "showOrganizer",
    "private_meeting_handling": "privateMeetingHandling",
    "allow_resource_booking_declination": "allowResourceBookingDeclination",
    "check_in_required": "checkInRequired",
    "no_show_release_minutes": "noShowReleaseMinutes",
    "display_language": "displayLanguage",
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


def _check(attribute: str, value: Any) -> None:
    field = _KEYS.get(attribute)
    if field is None:
        raise InvalidInputError(f"{attribute!r} is not a tenant setting")
    if attribute == "private_meeting_handling":
        _one_of(field, value, PRIVATE_MEETING_HANDLING)
    elif attribute == "display_language":
        _one_of(field, value, DISPLAY_LANGUAGES)
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
