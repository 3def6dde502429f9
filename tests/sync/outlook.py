"""Outlook, as the organizer: create, move and cancel meetings through msgraph-sdk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgraph import GraphServiceClient
from msgraph.generated.models.event import Event
from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
from msgraph.generated.models.recurrence_pattern import RecurrencePattern
from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
from msgraph.generated.models.recurrence_range import RecurrenceRange
from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType

from tests.emulator.core_events import meeting, when


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


async def book(
    client: GraphServiceClient,
    organizer: str,
    subject: str,
    start: datetime,
    end: datetime,
    rooms: tuple[str, ...],
    **extra: Any,
) -> Event:
    event = meeting(subject, stamp(start), stamp(end), rooms=rooms)
    for key, value in extra.items():
        setattr(event, key, value)
    created = await client.users.by_user_id(organizer).events.post(event)
    assert created is not None
    return created


async def move(
    client: GraphServiceClient,
    organizer: str,
    event_id: str,
    start: datetime,
    end: datetime,
) -> None:
    patch = Event(start=when(stamp(start)), end=when(stamp(end)))
    await client.users.by_user_id(organizer).events.by_event_id(event_id).patch(patch)


async def cancel(client: GraphServiceClient, organizer: str, event_id: str) -> None:
    await client.users.by_user_id(organizer).events.by_event_id(event_id).delete()


def daily(start: datetime, count: int) -> PatternedRecurrence:
    return PatternedRecurrence(
        pattern=RecurrencePattern(type=RecurrencePatternType.Daily, interval=1),
        range=RecurrenceRange(
            type=RecurrenceRangeType.Numbered,
            start_date=start.date(),
            number_of_occurrences=count,
        ),
    )
