"""Pure converters between Graph event JSON / SDK ``Event`` models and domain values.

- ``from_graph_event``: Graph event JSON (any time zone, Windows names too) →
  ``CalendarEvent`` in UTC. Delta ``@removed`` entries are not events: test with
  ``is_removed`` first.
- ``to_graph_event_model`` / ``to_graph_event_patch_model``: ``EventDraft`` /
  ``EventChanges`` → SDK ``Event`` (only the given properties are set, so the
  serialized PATCH body is partial).
Invariant: addresses are lower-cased on the way in; nothing is filtered out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from msgraph.generated.models.attendee import Attendee as GraphAttendee
from msgraph.generated.models.attendee_type import AttendeeType as GraphAttendeeType
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress as GraphEmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.location import Location
from msgraph.generated.models.location_type import LocationType
from msgraph.generated.models.sensitivity import Sensitivity as GraphSensitivity

from transom.domain.calendar import (
    Attendee,
    AttendeeType,
    CalendarEvent,
    EmailAddress,
    EventChanges,
    EventDraft,
    EventType,
    ResponseKind,
    Sensitivity,
    ShowAs,
)
from transom.graph._json import dig, enum_from_graph, enum_to_graph, optional_text, text
from transom.graph.timezones import (
    parse_graph_datetime,
    parse_utc_timestamp,
    to_graph_datetime,
)


def is_removed(data: Mapping[str, Any]) -> bool:
    """A delta entry for an event that left the window or was deleted."""
    return "@removed" in data


def from_graph_event(data: Mapping[str, Any]) -> CalendarEvent:
    """Graph event JSON → ``CalendarEvent`` (all times aware UTC)."""
    return CalendarEvent(
        id=str(data["id"]),
        subject=text(data, "subject"),
        start=_when(data.get("start")),
        end=_when(data.get("end")),
        type=enum_from_graph(data.get("type"), EventType, EventType.SINGLE_INSTANCE),
        ical_uid=optional_text(data, "iCalUId"),
        series_master_id=optional_text(data, "seriesMasterId"),
        original_start=parse_utc_timestamp(optional_text(data, "originalStart")),
        body_preview=text(data, "bodyPreview"),
        is_all_day=data.get("isAllDay") is True,
        show_as=enum_from_graph(data.get("showAs"), ShowAs, ShowAs.BUSY),
        sensitivity=enum_from_graph(
            data.get("sensitivity"), Sensitivity, Sensitivity.NORMAL
        ),
        is_cancelled=data.get("isCancelled") is True,
        is_organizer=data.get("isOrganizer") is True,
        organizer=_email(dig(data, "organizer", "emailAddress")),
        attendees=tuple(_attendee(a) for a in data.get("attendees") or () if a),
        location_name=text(data, "location", "displayName"),
        location_emails=_location_emails(data),
        response=enum_from_graph(
            dig(data, "responseStatus", "response"), ResponseKind, ResponseKind.NONE
        ),
        change_key=optional_text(data, "changeKey"),
        created=parse_utc_timestamp(optional_text(data, "createdDateTime")),
        last_modified=parse_utc_timestamp(optional_text(data, "lastModifiedDateTime")),
        transaction_id=optional_text(data, "transactionId"),
        categories=tuple(c for c in data.get("categories") or () if isinstance(c, str)),
    )


def from_graph_email(data: Mapping[str, Any] | None) -> EmailAddress | None:
    return _email(data)


def to_graph_event_model(
    draft: EventDraft, *, mailbox: str, transaction_id: str | None = None
) -> Event:
    """``EventDraft`` → SDK ``Event`` for ``POST /users/{mailbox}/events``."""
    event = Event(
        subject=draft.subject,
        body=_body(draft.body, draft.body_is_html),
        is_all_day=draft.is_all_day,
        show_as=FreeBusyStatus(enum_to_graph(draft.show_as)),
        sensitivity=GraphSensitivity(enum_to_graph(draft.sensitivity)),
        is_reminder_on=draft.reminder_minutes is not None,
        reminder_minutes_before_start=draft.reminder_minutes,
        categories=list(draft.categories) or None,
        response_requested=draft.response_requested,
        attendees=_attendees(draft.attendees, draft.room, mailbox),
        location=_location(draft.room, draft.location_name),
        transaction_id=transaction_id,
    )
    event.start, event.end = _span(
        draft.start, draft.end, draft.is_all_day, draft.time_zone
    )
    return event


def to_graph_event_patch_model(changes: EventChanges, *, mailbox: str) -> Event:
    """``EventChanges`` → SDK ``Event`` holding only the properties to change."""
    event = Event(subject=changes.subject, is_all_day=changes.is_all_day)
    if changes.start is not None and changes.end is not None:
        event.start, event.end = _span(
            changes.start, changes.end, bool(changes.is_all_day), changes.time_zone
        )
    if changes.body is not None:
        event.body = _body(changes.body, changes.body_is_html)
    if changes.show_as is not None:
        event.show_as = FreeBusyStatus(enum_to_graph(changes.show_as))
    if changes.sensitivity is not None:
        event.sensitivity = GraphSensitivity(enum_to_graph(changes.sensitivity))
    if changes.attendees is not None or changes.room is not None:
        event.attendees = _attendees(changes.attendees or (), changes.room, mailbox)
    if changes.room is not None or changes.location_name is not None:
        event.location = _location(changes.room, changes.location_name)
    if changes.categories is not None:
        event.categories = list(changes.categories)
    return event


def _when(data: Any) -> datetime:
    if not isinstance(data, Mapping) or not data.get("dateTime"):
        raise ValueError("event without start/end dateTime")
    return parse_graph_datetime(str(data["dateTime"]), optional_text(data, "timeZone"))


def _email(data: Any) -> EmailAddress | None:
    if not isinstance(data, Mapping):
        return None
    return EmailAddress(address=text(data, "address").lower(), name=text(data, "name"))


def _attendee(data: Mapping[str, Any]) -> Attendee:
    return Attendee(
        email=_email(data.get("emailAddress")) or EmailAddress(""),
        type=enum_from_graph(data.get("type"), AttendeeType, AttendeeType.REQUIRED),
        response=enum_from_graph(
            dig(data, "status", "response"), ResponseKind, ResponseKind.NONE
        ),
    )


def _location_emails(data: Mapping[str, Any]) -> tuple[str, ...]:
    places = [data.get("location"), *(data.get("locations") or ())]
    found = (
        text(p, "locationEmailAddress").lower()
        for p in places
        if isinstance(p, Mapping)
    )
    return tuple(dict.fromkeys(e for e in found if e))


def _span(
    start: datetime, end: datetime, all_day: bool, zone: str
) -> tuple[DateTimeTimeZone, DateTimeTimeZone]:
    if all_day:
        return _midnight(start, zone), _midnight(end, zone)
    return _graph_time(start), _graph_time(end)


def _graph_time(moment: datetime) -> DateTimeTimeZone:
    wall, zone = to_graph_datetime(moment.astimezone(UTC), "UTC")
    return DateTimeTimeZone(date_time=wall, time_zone=zone)


def _midnight(moment: datetime, zone: str) -> DateTimeTimeZone:
    """All-day events start and end at midnight of their dates in one zone."""
    return DateTimeTimeZone(
        date_time=f"{moment.date().isoformat()}T00:00:00", time_zone=zone
    )


def _body(content: str, is_html: bool) -> ItemBody:
    return ItemBody(
        content_type=BodyType.Html if is_html else BodyType.Text, content=content
    )


def _attendees(
    people: tuple[EmailAddress, ...], room: EmailAddress | None, mailbox: str
) -> list[GraphAttendee]:
    found = [_graph_attendee(p, GraphAttendeeType.Required) for p in people]
    if room is not None and room.address.lower() != mailbox.lower():
        found.append(_graph_attendee(room, GraphAttendeeType.Resource))
    return found


def _graph_attendee(person: EmailAddress, kind: GraphAttendeeType) -> GraphAttendee:
    address = GraphEmailAddress(address=person.address, name=person.name or None)
    return GraphAttendee(type=kind, email_address=address)


def _location(room: EmailAddress | None, name: str | None) -> Location | None:
    if room is None:
        return Location(display_name=name) if name else None
    return Location(
        display_name=name or room.name or room.address,
        location_email_address=room.address,
        location_type=LocationType.ConferenceRoom,
    )
