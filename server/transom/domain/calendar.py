"""Calendar value types shared by the Graph adapter, the sync engine and the API.

Invariants:
- Every datetime is aware and in UTC. All-day events keep Exchange's floating
  dates as midnight UTC of the calendar date (``start.date()`` is the first day,
  ``end.date()`` the day after the last one).
- Values are frozen; collections are tuples, so a value can be shared and hashed.
- Enum values are Transom's own SCREAMING_SNAKE names; the adapter maps
  Graph's camelCase strings onto them and unknown strings onto a safe default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EventType(StrEnum):
    SINGLE_INSTANCE = "SINGLE_INSTANCE"
    OCCURRENCE = "OCCURRENCE"
    EXCEPTION = "EXCEPTION"
    SERIES_MASTER = "SERIES_MASTER"


class ShowAs(StrEnum):
    FREE = "FREE"
    TENTATIVE = "TENTATIVE"
    BUSY = "BUSY"
    OOF = "OOF"
    WORKING_ELSEWHERE = "WORKING_ELSEWHERE"
    UNKNOWN = "UNKNOWN"


class Sensitivity(StrEnum):
    NORMAL = "NORMAL"
    PERSONAL = "PERSONAL"
    PRIVATE = "PRIVATE"
    CONFIDENTIAL = "CONFIDENTIAL"


class AttendeeType(StrEnum):
    REQUIRED = "REQUIRED"
    OPTIONAL = "OPTIONAL"
    RESOURCE = "RESOURCE"


class ResponseKind(StrEnum):
    NONE = "NONE"
    ORGANIZER = "ORGANIZER"
    TENTATIVELY_ACCEPTED = "TENTATIVELY_ACCEPTED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    NOT_RESPONDED = "NOT_RESPONDED"


@dataclass(frozen=True)
class EmailAddress:
    """A mailbox as an event names it; ``address`` is lower-cased, may be empty."""

    address: str
    name: str = ""


@dataclass(frozen=True)
class Attendee:
    email: EmailAddress
    type: AttendeeType = AttendeeType.REQUIRED
    response: ResponseKind = ResponseKind.NONE


@dataclass(frozen=True)
class CalendarEvent:
    """One event as a mailbox's calendar holds it (occurrences expanded).

    Example::

        event.start, event.end          # aware UTC
        event.room_emails               # resource attendees + location mailboxes
    """

    id: str
    subject: str
    start: datetime
    end: datetime
    type: EventType = EventType.SINGLE_INSTANCE
    ical_uid: str | None = None
    series_master_id: str | None = None
    original_start: datetime | None = None
    body_preview: str = ""
    is_all_day: bool = False
    show_as: ShowAs = ShowAs.BUSY
    sensitivity: Sensitivity = Sensitivity.NORMAL
    is_cancelled: bool = False
    is_organizer: bool = False
    organizer: EmailAddress | None = None
    attendees: tuple[Attendee, ...] = ()
    location_name: str = ""
    location_emails: tuple[str, ...] = ()
    response: ResponseKind = ResponseKind.NONE
    change_key: str | None = None
    created: datetime | None = None
    last_modified: datetime | None = None
    transaction_id: str | None = None
    categories: tuple[str, ...] = ()

    @property
    def is_private(self) -> bool:
        """Outlook hides subject and location of private and confidential items."""
        return self.sensitivity in (Sensitivity.PRIVATE, Sensitivity.CONFIDENTIAL)

    @property
    def room_emails(self) -> tuple[str, ...]:
        """Resource attendees and location mailboxes, lower-cased, first seen first."""
        found = [
            a.email.address for a in self.attendees if a.type is AttendeeType.RESOURCE
        ]
        found.extend(self.location_emails)
        return tuple(dict.fromkeys(e for e in found if e))

    def attendee(self, address: str) -> Attendee | None:
        """The attendee with this address (case-insensitive), if any."""
        wanted = address.lower()
        return next((a for a in self.attendees if a.email.address == wanted), None)


@dataclass(frozen=True)
class CalendarChangePage:
    """One page of a calendar delta round.

    ``next_link`` resumes the round after this page; ``delta_link`` is set on the
    last page only and starts the next round.
    """

    updates: tuple[CalendarEvent, ...]
    removed_ids: tuple[str, ...]
    next_link: str | None = None
    delta_link: str | None = None


@dataclass(frozen=True)
class CalendarChanges:
    """A whole delta round: every change up to ``delta_link``."""

    updates: tuple[CalendarEvent, ...]
    removed_ids: tuple[str, ...]
    delta_link: str


@dataclass(frozen=True)
class EventDraft:
    """An event Transom asks Exchange to create.

    ``room`` becomes a resource attendee and the location, unless the event is
    written into the room's own calendar. Timed events are sent in UTC; all-day
    events at midnight of their dates in ``time_zone`` (an IANA name).
    """

    subject: str
    start: datetime
    end: datetime
    room: EmailAddress | None = None
    attendees: tuple[EmailAddress, ...] = ()
    location_name: str | None = None
    body: str = ""
    body_is_html: bool = False
    is_all_day: bool = False
    time_zone: str = "UTC"
    show_as: ShowAs = ShowAs.BUSY
    sensitivity: Sensitivity = Sensitivity.NORMAL
    reminder_minutes: int | None = None
    categories: tuple[str, ...] = ()
    response_requested: bool = True


@dataclass(frozen=True)
class EventChanges:
    """A partial update; ``None`` leaves a property as it is.

    ``start``/``end`` follow the same rules as :class:`EventDraft` and must be
    given together with ``is_all_day`` when switching between timed and all-day.
    """

    subject: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    is_all_day: bool | None = None
    time_zone: str = "UTC"
    body: str | None = None
    body_is_html: bool = False
    show_as: ShowAs | None = None
    sensitivity: Sensitivity | None = None
    room: EmailAddress | None = None
    attendees: tuple[EmailAddress, ...] | None = None
    location_name: str | None = None
    categories: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SubscriptionInfo:
    """A change-notification subscription as Graph confirmed it."""

    id: str
    expiration: datetime
    resource: str = ""
    client_state: str | None = field(default=None, repr=False)


class AutoReplyStatus(StrEnum):
    DISABLED = "DISABLED"
    ALWAYS_ENABLED = "ALWAYS_ENABLED"
    SCHEDULED = "SCHEDULED"


class ExternalAudience(StrEnum):
    NONE = "NONE"
    CONTACTS_ONLY = "CONTACTS_ONLY"
    ALL = "ALL"


@dataclass(frozen=True)
class AutomaticReplies:
    """A mailbox's out-of-office setting; scheduled times only matter when SCHEDULED."""

    status: AutoReplyStatus = AutoReplyStatus.DISABLED
    external_audience: ExternalAudience = ExternalAudience.ALL
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    internal_message: str = ""
    external_message: str = ""


@dataclass(frozen=True)
class ScheduleItem:
    start: datetime
    end: datetime
    status: ShowAs
    subject: str | None = None
    location: str | None = None
    is_private: bool = False


@dataclass(frozen=True)
class MailboxSchedule:
    """Free/busy of one mailbox; ``error`` is set instead when Graph could not tell."""

    email: str
    availability_view: str = ""
    items: tuple[ScheduleItem, ...] = ()
    error: str | None = None
