"""The Microsoft 365 connection of a tenant, and the sync status of a room.

Pure rules: which connection statuses stop the sync engine, when a secret counts
as expiring, and the values the sync engine hands the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

EXPIRY_WARNING = timedelta(days=30)


class ConnectionStatus(StrEnum):
    CONNECTED = "CONNECTED"
    SECRET_EXPIRING = "SECRET_EXPIRING"
    SECRET_EXPIRED = "SECRET_EXPIRED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    CONSENT_MISSING = "CONSENT_MISSING"
    ERROR = "ERROR"
    DISABLED = "DISABLED"


# Statuses that need an admin: the sync engine stops and never retries by itself.
BLOCKING = frozenset(
    {
        ConnectionStatus.SECRET_EXPIRED,
        ConnectionStatus.INVALID_CREDENTIALS,
        ConnectionStatus.CONSENT_MISSING,
        ConnectionStatus.DISABLED,
    }
)


class SyncMode(StrEnum):
    NOTIFICATIONS = "NOTIFICATIONS"
    POLLING = "POLLING"


class LogLevel(StrEnum):
    """How much a sync log entry needs an admin."""

    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"


class MailboxStatus(StrEnum):
    """Where one room's calendar sync stands (see ``transom.sync.calendars.rooms``)."""

    IDLE = "IDLE"
    SYNCING = "SYNCING"
    IN_SYNC = "IN_SYNC"
    THROTTLED = "THROTTLED"
    ERROR = "ERROR"
    ACCESS_DENIED = "ACCESS_DENIED"
    STOPPED = "STOPPED"


class LinkState(StrEnum):
    UNLINKED = "UNLINKED"
    VERIFYING = "VERIFYING"
    VERIFIED = "VERIFIED"
    FAILED = "FAILED"


def is_blocking(status: str) -> bool:
    return status in BLOCKING


def healthy_status(expires_at: datetime | None, now: datetime) -> ConnectionStatus:
    """The status of a connection that just worked, given its secret's saved expiry.

    >>> from datetime import UTC
    >>> now = datetime(2026, 1, 1, tzinfo=UTC)
    >>> healthy_status(now + timedelta(days=10), now)
    <ConnectionStatus.SECRET_EXPIRING: 'SECRET_EXPIRING'>
    """
    if expires_at is None or expires_at - now > EXPIRY_WARNING:
        return ConnectionStatus.CONNECTED
    # A saved date in the past while Entra ID still issues tokens is a wrong
    # date, not an expired secret: warn, but keep syncing.
    return ConnectionStatus.SECRET_EXPIRING


@dataclass(frozen=True)
class ConnectionReport:
    """What a connection test found."""

    status: ConnectionStatus
    message: str
    code: str | None = None
    hint: str | None = None
    organization_name: str | None = None
    room_count: int | None = None


@dataclass(frozen=True)
class RoomImport:
    """What ``importRooms`` did."""

    created: int
    updated: int
    unchanged: int
    room_ids: tuple[str, ...]
