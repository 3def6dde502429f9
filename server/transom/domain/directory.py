"""Directory value types: the tenant, its rooms, room lists, users and mailboxes.

Invariants: e-mail addresses are lower-cased; collections are tuples; values are
frozen. These mirror what Microsoft 365 knows, in Transom's terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class OrganizationInfo:
    tenant_id: str
    display_name: str
    verified_domains: tuple[str, ...] = ()
    default_domain: str | None = None


@dataclass(frozen=True)
class RoomPlace:
    """A room as the Places directory describes it."""

    id: str
    email: str
    display_name: str
    capacity: int | None = None
    building: str | None = None
    floor_number: int | None = None
    floor_label: str | None = None
    nickname: str | None = None
    is_wheelchair_accessible: bool = False
    booking_type: str = "standard"
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoomList:
    id: str
    email: str
    display_name: str


class CalendarStatus(StrEnum):
    """Where following one person's calendar stands."""

    NOT_CONNECTED = "NOT_CONNECTED"
    SYNCING = "SYNCING"
    SYNCED = "SYNCED"
    NO_MAILBOX = "NO_MAILBOX"
    ACCESS_DENIED = "ACCESS_DENIED"
    ERROR = "ERROR"


class MailboxPurpose(StrEnum):
    USER = "USER"
    LINKED = "LINKED"
    SHARED = "SHARED"
    ROOM = "ROOM"
    EQUIPMENT = "EQUIPMENT"
    OTHERS = "OTHERS"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class MailboxInfo:
    """A mailbox Graph can read, with what Exchange says it is for."""

    user_id: str
    email: str
    display_name: str
    purpose: MailboxPurpose
    time_zone: str | None = None

    @property
    def is_resource(self) -> bool:
        return self.purpose in (MailboxPurpose.ROOM, MailboxPurpose.EQUIPMENT)


@dataclass(frozen=True)
class DirectoryUser:
    """A directory user; ``aliases`` excludes ``primary_email``."""

    id: str
    display_name: str
    primary_email: str | None
    aliases: tuple[str, ...] = ()
    user_principal_name: str = ""
    account_enabled: bool = True

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address that reaches this user, primary first."""
        first = (self.primary_email,) if self.primary_email else ()
        return first + self.aliases
