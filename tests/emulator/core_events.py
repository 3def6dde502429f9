"""Small builders for the core event tests (msgraph-sdk models)."""

from __future__ import annotations

from datetime import datetime

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.calendar_view.delta.delta_request_builder import (
    DeltaRequestBuilder,
)

ViewQuery = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters
DeltaQuery = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters


def when(text: str, zone: str = "UTC") -> DateTimeTimeZone:
    return DateTimeTimeZone(date_time=text, time_zone=zone)


def meeting(
    subject: str,
    start: str,
    end: str,
    *,
    zone: str = "UTC",
    people: tuple[str, ...] = (),
    rooms: tuple[str, ...] = (),
) -> Event:
    attendees = [
        Attendee(type=AttendeeType.Required, email_address=EmailAddress(address=p))
        for p in people
    ]
    attendees += [
        Attendee(type=AttendeeType.Resource, email_address=EmailAddress(address=r))
        for r in rooms
    ]
    return Event(
        subject=subject,
        start=when(start, zone),
        end=when(end, zone),
        attendees=attendees,
    )


def view_config(
    start: str, end: str, *, top: int | None = None, prefer: str | None = None
) -> RequestConfiguration[ViewQuery]:
    config = RequestConfiguration(
        query_parameters=ViewQuery(start_date_time=start, end_date_time=end, top=top)
    )
    if prefer:
        config.headers.add("Prefer", prefer)
    return config


def delta_config(
    start: str | None = None, end: str | None = None, prefer: str | None = None
) -> RequestConfiguration[DeltaQuery]:
    config = RequestConfiguration(
        query_parameters=DeltaQuery(start_date_time=start, end_date_time=end)
    )
    if prefer:
        config.headers.add("Prefer", prefer)
    return config


def utc(moment: datetime | None) -> str:
    assert moment is not None
    return moment.strftime("%Y-%m-%dT%H:%M")
