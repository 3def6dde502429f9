"""Recurrence expansion in calendarView and instances (graph-contract.md §2.3)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.event import Event
from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
from msgraph.generated.models.recurrence_pattern import RecurrencePattern
from msgraph.generated.models.recurrence_range import RecurrenceRange
from msgraph.generated.users.item.events.item.instances.instances_request_builder import (
    InstancesRequestBuilder,
)

from tests.emulator.core_directory import ADELE, CoreServer, core_server
from tests.emulator.core_events import meeting, utc, view_config, when
from tests.emulator.graph_clients import graph_client
from transom.emulator.recurrence import (
    DAYS,
    INDEXES,
    normalise_recurrence,
    occurrence_dates,
)

__all__ = ["core_server"]
pytestmark = pytest.mark.anyio


def series(
    subject: str,
    start: str,
    end: str,
    pattern: dict[str, Any],
    range_: dict[str, Any],
    zone: str = "UTC",
) -> Event:
    event = meeting(subject, start, end, zone=zone)
    event.recurrence = PatternedRecurrence(
        pattern=RecurrencePattern(**pattern), range=RecurrenceRange(**range_)
    )
    return event


def weekly_mon_wed() -> Event:
    from msgraph.generated.models.day_of_week import DayOfWeek
    from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
    from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType

    return series(
        "Sync",
        "2026-11-02T09:00:00",
        "2026-11-02T09:30:00",
        {
            "type": RecurrencePatternType.Weekly,
            "interval": 1,
            "days_of_week": [DayOfWeek.Monday, DayOfWeek.Wednesday],
        },
        {
            "type": RecurrenceRangeType.EndDate,
            "start_date": date(2026, 11, 2),
            "end_date": date(2026, 11, 30),
        },
    )


async def test_weekly_series_expands_into_occurrences(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        # when
        master = await mailbox.events.post(weekly_mon_wed())
        found = await mailbox.calendar_view.get(
            view_config("2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z", top=100)
        )
        listed = await mailbox.events.get()
    # then
    assert master.type.value == "seriesMaster"
    assert master.recurrence.pattern.first_day_of_week.value == "sunday"
    starts = [utc(e.start.date_time and _parse(e.start.date_time)) for e in found.value]
    assert starts[:3] == ["2026-11-02T09:00", "2026-11-04T09:00", "2026-11-09T09:00"]
    assert len(starts) == 9
    assert {e.type.value for e in found.value} == {"occurrence"}
    assert {e.series_master_id for e in found.value} == {master.id}
    assert found.value[0].original_start is not None
    assert len({e.i_cal_u_id for e in found.value}) == 9
    assert [e.id for e in listed.value] == [master.id]


def _parse(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text[:19])


async def test_modified_and_cancelled_occurrences(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        master = await mailbox.events.post(weekly_mon_wed())
        window = view_config("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z")
        monday, wednesday = (await mailbox.calendar_view.get(window)).value
        # when
        await mailbox.events.by_event_id(monday.id).patch(
            Event(
                subject="Moved sync",
                start=when("2026-11-02T11:00:00"),
                end=when("2026-11-02T11:30:00"),
            )
        )
        await mailbox.events.by_event_id(wednesday.id).delete()
        after = await mailbox.calendar_view.get(window)
        config = RequestConfiguration(
            query_parameters=InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
                start_date_time="2026-11-01T00:00:00Z",
                end_date_time="2026-11-12T00:00:00Z",
            )
        )
        instances = await mailbox.events.by_event_id(master.id).instances.get(config)
    # then
    assert len(after.value) == 1
    moved = after.value[0]
    assert moved.id == monday.id
    assert moved.type.value == "exception"
    assert moved.subject == "Moved sync"
    assert moved.start.date_time == "2026-11-02T11:00:00.0000000"
    assert moved.series_master_id == master.id
    assert [i.type.value for i in instances.value] == [
        "exception",
        "occurrence",
        "occurrence",
    ]


async def test_weekly_series_keeps_local_time_across_daylight_saving(
    core_server: CoreServer,
) -> None:
    from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
    from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType

    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        body = series(
            "Berlin",
            "2026-10-19T09:00:00",
            "2026-10-19T10:00:00",
            {
                "type": RecurrencePatternType.Weekly,
                "interval": 1,
                "days_of_week": [_day("monday")],
            },
            {
                "type": RecurrenceRangeType.Numbered,
                "start_date": date(2026, 10, 19),
                "number_of_occurrences": 2,
            },
            zone="W. Europe Standard Time",
        )
        # when
        await mailbox.events.post(body)
        found = await mailbox.calendar_view.get(
            view_config("2026-10-01T00:00:00Z", "2026-11-30T00:00:00Z")
        )
    # then
    assert [e.start.date_time[:16] for e in found.value] == [
        "2026-10-19T07:00",
        "2026-10-26T08:00",
    ]


def _day(name: str) -> Any:
    from msgraph.generated.models.day_of_week import DayOfWeek

    return DayOfWeek(name)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"type": "daily", "interval": 3}, ["2026-01-05", "2026-01-08", "2026-01-11"]),
        (
            {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
            ["2026-01-31", "2026-02-28", "2026-03-31"],
        ),
        (
            {
                "type": "relativeMonthly",
                "interval": 1,
                "daysOfWeek": ["Tuesday"],
                "index": "second",
            },
            ["2026-01-13", "2026-02-10", "2026-03-10"],
        ),
        (
            {
                "type": "relativeMonthly",
                "interval": 2,
                "daysOfWeek": ["friday"],
                "index": "Last",
            },
            ["2026-01-30", "2026-03-27", "2026-05-29"],
        ),
        (
            {"type": "absoluteYearly", "interval": 1, "dayOfMonth": 29, "month": 2},
            ["2026-02-28", "2027-02-28", "2028-02-29"],
        ),
        (
            {
                "type": "relativeYearly",
                "interval": 1,
                "daysOfWeek": ["thursday"],
                "month": 11,
                "index": "fourth",
            },
            ["2026-11-26", "2027-11-25", "2028-11-23"],
        ),
    ],
)
async def test_pattern_types_over_the_wire(
    core_server: CoreServer, pattern: dict[str, Any], expected: list[str]
) -> None:
    # given
    async with graph_client(core_server.url) as client:
        token = await client.request_adapter._authentication_provider.access_token_provider.get_authorization_token(
            "https://graph.microsoft.com/v1.0/users"
        )
    import httpx

    body = {
        "subject": "Pattern",
        "start": {"dateTime": "2026-01-05T10:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-01-05T11:00:00", "timeZone": "UTC"},
        "recurrence": {
            "pattern": pattern,
            "range": {
                "type": "numbered",
                "startDate": "2026-01-05",
                "numberOfOccurrences": 3,
            },
        },
    }
    headers = {"Authorization": f"Bearer {token}", "Prefer": "odata.maxpagesize=50"}
    # when
    async with httpx.AsyncClient(base_url=core_server.url, headers=headers) as http:
        created = await http.post(f"/v1.0/users/{ADELE}/events", json=body)
        found = await http.get(
            f"/v1.0/users/{ADELE}/calendarView?startDateTime=2026-01-01T00:00:00Z&endDateTime=2029-01-01T00:00:00Z"
        )
    # then
    assert created.status_code == 201, created.text
    assert [e["start"]["dateTime"][:10] for e in found.json()["value"]] == expected


weekly_rules = st.fixed_dictionaries(
    {
        "type": st.just("weekly"),
        "interval": st.integers(1, 4),
        "daysOfWeek": st.lists(
            st.sampled_from(DAYS), min_size=1, max_size=7, unique=True
        ),
        "firstDayOfWeek": st.sampled_from(DAYS),
    }
)


@given(
    rule=weekly_rules,
    start=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    count=st.integers(1, 40),
)
def test_weekly_expansion_properties(
    rule: dict[str, Any], start: date, count: int
) -> None:
    # given
    recurrence = normalise_recurrence(
        {
            "pattern": rule,
            "range": {
                "type": "numbered",
                "startDate": start.isoformat(),
                "numberOfOccurrences": count,
            },
        },
        "UTC",
    )
    assert recurrence is not None
    # when
    found = list(occurrence_dates(recurrence, start + timedelta(days=3650)))
    # then
    assert len(found) == count
    assert found == sorted(set(found))
    assert all(d >= start and DAYS[d.weekday()] in rule["daysOfWeek"] for d in found)
    first = DAYS.index(rule["firstDayOfWeek"])
    weeks = {
        ((d - timedelta(days=(d.weekday() - first) % 7)) - found[0]).days // 7
        for d in found
    }
    base = min(weeks)
    assert all((w - base) % rule["interval"] == 0 for w in weeks)


@given(
    day=st.sampled_from(DAYS),
    index=st.sampled_from(INDEXES),
    interval=st.integers(1, 3),
    start=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    end_offset=st.integers(0, 800),
)
def test_relative_monthly_lands_on_the_indexed_weekday(
    day: str, index: str, interval: int, start: date, end_offset: int
) -> None:
    # given
    end = start + timedelta(days=end_offset)
    rule = {
        "type": "relativeMonthly",
        "interval": interval,
        "daysOfWeek": [day],
        "index": index,
    }
    recurrence = normalise_recurrence(
        {
            "pattern": rule,
            "range": {
                "type": "endDate",
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
            },
        },
        "UTC",
    )
    assert recurrence is not None
    # when
    found = list(occurrence_dates(recurrence, end))
    # then
    for found_day in found:
        assert start <= found_day <= end
        assert DAYS[found_day.weekday()] == day
        position = (found_day.day - 1) // 7
        is_last = (found_day + timedelta(days=7)).month != found_day.month
        assert is_last if index == "last" else position == INDEXES.index(index)
    months = [d.year * 12 + d.month for d in found]
    assert all((b - a) == interval for a, b in itertools.pairwise(months))
