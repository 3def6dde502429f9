"""Onboarding a tenant: the features it uses and the Graph permissions they need.

Pure rules (docs/production.md, section 3): each feature needs a set of
Microsoft Graph *application* permissions; a broader permission covers a
narrower one (``MailboxSettings.ReadWrite`` covers ``MailboxSettings.Read``,
``Calendars.ReadWrite`` covers ``Calendars.Read``), so the least-privilege list
for a set of features keeps only the broadest of each pair. The features a
tenant chose are stored in its settings (``features``); a tenant that never
chose has :data:`DEFAULT_FEATURES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from transom.domain.errors import InvalidInputError


class TenantFeature(StrEnum):
    ROOMS = "ROOMS"
    DOOR_DISPLAYS = "DOOR_DISPLAYS"
    ABSENCES = "ABSENCES"
    AVAILABILITY = "AVAILABILITY"


class PermissionStatus(StrEnum):
    """What one real Graph call found about one permission."""

    GRANTED = "GRANTED"
    MISSING = "MISSING"
    SHUT_OUT = "SHUT_OUT"
    NOT_TESTED = "NOT_TESTED"


FEATURE_NAMES = {
    TenantFeature.ROOMS: "Rooms",
    TenantFeature.DOOR_DISPLAYS: "Door displays",
    TenantFeature.ABSENCES: "Absences and automatic replies",
    TenantFeature.AVAILABILITY: "Availability",
}

CONNECTION_PERMISSION = "Organization.Read.All"

# What each feature needs, with why (least privilege, before covering).
FEATURE_PERMISSIONS: dict[TenantFeature, tuple[tuple[str, str], ...]] = {
    TenantFeature.ROOMS: (
        ("Place.Read.All", "import the room mailboxes (Places)"),
        ("User.Read.All", "find a room's mailbox when linking it"),
        ("MailboxSettings.Read", "check a linked mailbox is a room, its time zone"),
        ("Calendars.ReadWrite", "read and book the rooms' calendars"),
    ),
    TenantFeature.DOOR_DISPLAYS: (
        ("Place.Read.All", "the rooms the displays stand at"),
        ("MailboxSettings.Read", "the rooms' time zones"),
        ("Calendars.ReadWrite", "book now, extend, end and release meetings"),
    ),
    TenantFeature.ABSENCES: (
        ("User.Read.All", "the people directory"),
        ("Calendars.ReadWrite", "write absences into people's calendars"),
        ("MailboxSettings.ReadWrite", "set people's automatic replies"),
    ),
    TenantFeature.AVAILABILITY: (
        ("User.Read.All", "the people directory"),
        ("Calendars.Read", "read people's calendars (free/busy)"),
    ),
}

# A permission is covered when the app holds the broader one too.
COVERED_BY = {
    "MailboxSettings.Read": "MailboxSettings.ReadWrite",
    "Calendars.Read": "Calendars.ReadWrite",
}

DEFAULT_FEATURES = (TenantFeature.ROOMS, TenantFeature.DOOR_DISPLAYS)


@dataclass(frozen=True)
class RequiredPermission:
    """One Graph application permission to add, and for which features."""

    permission: str
    features: tuple[TenantFeature, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PermissionCheck:
    """What testing one required permission with a real Graph call found."""

    permission: str
    features: tuple[TenantFeature, ...]
    status: PermissionStatus
    message: str
    hint: str | None = None
    code: str | None = None


def needs_of(feature: TenantFeature) -> tuple[str, ...]:
    """The permissions one feature needs (the connection's included)."""
    return (CONNECTION_PERMISSION, *(p for p, _ in FEATURE_PERMISSIONS[feature]))


def narrow_needs(
    features: Iterable[TenantFeature], broad: str
) -> tuple[TenantFeature, ...]:
    """The features that need only the narrower permission ``broad`` covers."""
    narrow = next((n for n, b in COVERED_BY.items() if b == broad), None)
    return tuple(
        f
        for f in check_features(features)
        if narrow in needs_of(f) and broad not in needs_of(f)
    )


def working_features(
    features: Iterable[TenantFeature], checks: Iterable[PermissionCheck]
) -> dict[TenantFeature, tuple[str, ...]]:
    """Each chosen feature with the permissions it lacks (empty: it works). A
    need is met by its own permission granted or by the broader one covering it."""
    granted = {
        c.permission
        for c in checks
        if c.status in (PermissionStatus.GRANTED, PermissionStatus.SHUT_OUT)
    }
    lacking: dict[TenantFeature, tuple[str, ...]] = {}
    for feature in check_features(features):
        lacking[feature] = tuple(
            need
            for need in needs_of(feature)
            if need not in granted and COVERED_BY.get(need) not in granted
        )
    return lacking


@dataclass(frozen=True)
class TenantData:
    """What Transom holds for a tenant (what disconnecting deletes)."""

    name: str
    rooms: int
    bookings: int
    people: int
    absences: int
    displays: int

    def sentence(self) -> str:
        return (
            f"{self.rooms} room(s) with their mailbox links, {self.bookings} "
            f"booking(s), {self.people} person(s), {self.absences} absence(s) and "
            f"{self.displays} display(s) with their tokens"
        )


@dataclass(frozen=True)
class Disconnected:
    """What disconnecting a tenant did."""

    data: TenantData
    subscriptions_deleted: int
    subscriptions_left: int


def check_features(features: Iterable[TenantFeature]) -> tuple[TenantFeature, ...]:
    """The features in their canonical order; at least one."""
    chosen = set(features)
    if not chosen:
        raise InvalidInputError(
            "choose at least one feature: rooms, door displays, absences or "
            "availability",
            field="features",
        )
    return tuple(f for f in TenantFeature if f in chosen)


def features_from_stored(settings: dict[str, Any] | None) -> tuple[TenantFeature, ...]:
    stored = (settings or {}).get("features")
    if not isinstance(stored, list):
        return DEFAULT_FEATURES
    known = [TenantFeature(v) for v in stored if v in TenantFeature.__members__]
    return check_features(known) if known else DEFAULT_FEATURES


def features_to_stored(features: Iterable[TenantFeature]) -> list[str]:
    return [f.value for f in check_features(features)]


def required_permissions(
    features: Iterable[TenantFeature],
) -> tuple[RequiredPermission, ...]:
    """The least-privilege permissions for ``features``, connection first."""
    chosen = check_features(features)
    wanted: dict[str, tuple[list[TenantFeature], list[str]]] = {
        CONNECTION_PERMISSION: ([], ["read the organization (always)"])
    }
    for feature in chosen:
        for permission, reason in FEATURE_PERMISSIONS[feature]:
            used, reasons = wanted.setdefault(permission, ([], []))
            used.append(feature)
            reasons.append(reason)
    for narrow, broad in COVERED_BY.items():
        if narrow in wanted and broad in wanted:
            used, reasons = wanted.pop(narrow)
            wanted[broad][0].extend(f for f in used if f not in wanted[broad][0])
            wanted[broad][1].extend(reasons)
    return tuple(
        RequiredPermission(name, tuple(used), tuple(reasons))
        for name, (used, reasons) in wanted.items()
    )


def consent_fix(permission: str) -> str:
    return (
        f"Add the application permission {permission} in Entra ID > App "
        "registrations > your Transom app > API permissions > Add a permission > "
        "Microsoft Graph > Application permissions, then Grant admin consent; "
        "test again."
    )


def admin_consent_url(authority: str, directory_id: str, client_id: str) -> str:
    """Entra's admin consent page for the app (grants its configured permissions)."""
    return (
        f"{authority.rstrip('/')}/{quote(directory_id, safe='')}/adminconsent"
        f"?client_id={quote(client_id, safe='')}"
    )


def access_policy_powershell(client_id: str, group: str) -> str:
    """Exchange Online PowerShell that limits the app to ``group``'s mailboxes."""
    return (
        "Connect-ExchangeOnline\n"
        f"New-ApplicationAccessPolicy -AppId {client_id} -PolicyScopeGroupId {group} "
        '-AccessRight RestrictAccess -Description "Transom: rooms and staff"\n'
        f"Test-ApplicationAccessPolicy -Identity <a room's address> -AppId {client_id}"
    )
