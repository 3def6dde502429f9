"""Pure converters: Graph directory JSON (organization, places, users) → domain.

Invariant: addresses are lower-cased; ``proxyAddresses`` give the primary
address (upper-case ``SMTP:``) and aliases (``smtp:``); other address types
(``SIP:``, ``X500:``) are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from transom.domain.directory import (
    DirectoryUser,
    MailboxInfo,
    MailboxPurpose,
    OrganizationInfo,
    RoomList,
    RoomPlace,
)
from transom.graph._json import enum_from_graph, optional_text, text


def from_graph_organization(data: Mapping[str, Any]) -> OrganizationInfo:
    domains = [d for d in data.get("verifiedDomains") or () if isinstance(d, Mapping)]
    default = next(
        (text(d, "name") for d in domains if d.get("isDefault") is True), None
    )
    return OrganizationInfo(
        tenant_id=text(data, "id"),
        display_name=text(data, "displayName"),
        verified_domains=tuple(text(d, "name") for d in domains if text(d, "name")),
        default_domain=default or None,
    )


def from_graph_room(data: Mapping[str, Any]) -> RoomPlace:
    return RoomPlace(
        id=text(data, "id"),
        email=text(data, "emailAddress").lower(),
        display_name=text(data, "displayName"),
        capacity=_int(data.get("capacity")),
        building=optional_text(data, "building"),
        floor_number=_int(data.get("floorNumber")),
        floor_label=optional_text(data, "floorLabel"),
        nickname=optional_text(data, "nickname"),
        is_wheelchair_accessible=bool(
            data.get("isWheelChairAccessible") or data.get("isWheelchairAccessible")
        ),
        booking_type=text(data, "bookingType") or "standard",
        tags=tuple(t for t in data.get("tags") or () if isinstance(t, str)),
    )


def from_graph_room_list(data: Mapping[str, Any]) -> RoomList:
    return RoomList(
        id=text(data, "id"),
        email=text(data, "emailAddress").lower(),
        display_name=text(data, "displayName"),
    )


def from_graph_user(data: Mapping[str, Any]) -> DirectoryUser:
    primary, aliases = split_proxy_addresses(data.get("proxyAddresses") or ())
    primary = primary or (text(data, "mail").lower() or None)
    return DirectoryUser(
        id=text(data, "id"),
        display_name=text(data, "displayName"),
        primary_email=primary,
        aliases=tuple(a for a in aliases if a != primary),
        user_principal_name=text(data, "userPrincipalName").lower(),
        account_enabled=data.get("accountEnabled") is not False,
    )


def split_proxy_addresses(values: Any) -> tuple[str | None, tuple[str, ...]]:
    """``["SMTP:a@x", "smtp:b@x", "SIP:a@x"]`` → ``("a@x", ("b@x",))``."""
    primary: str | None = None
    aliases: list[str] = []
    for value in values:
        kind, _, address = str(value).partition(":")
        if kind.lower() != "smtp" or not address:
            continue
        if kind == "SMTP" and primary is None:
            primary = address.lower()
        else:
            aliases.append(address.lower())
    return primary, tuple(dict.fromkeys(aliases))


def from_graph_mailbox(
    user: Mapping[str, Any], settings: Mapping[str, Any]
) -> MailboxInfo:
    """``/users/{id}`` plus ``/users/{id}/mailboxSettings`` → ``MailboxInfo``."""
    return MailboxInfo(
        user_id=text(user, "id"),
        email=(text(user, "mail") or text(user, "userPrincipalName")).lower(),
        display_name=text(user, "displayName"),
        purpose=enum_from_graph(
            settings.get("userPurpose"), MailboxPurpose, MailboxPurpose.UNKNOWN
        ),
        time_zone=optional_text(settings, "timeZone"),
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
