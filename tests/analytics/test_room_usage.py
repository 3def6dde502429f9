"""``roomUsage`` over HTTP against a seeded two-week calendar whose answers this
test computes on its own, minute by minute (so DST, midnight and overlaps are
counted the plain way), on SQLite and PostgreSQL."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.db import models
from transom.domain.access import Role
from transom.domain.displays import new_device_secret
from transom.security import hash_token

pytestmark = pytest.mark.anyio

ZONE = ZoneInfo("Europe/Copenhagen")  # the factory tenant's time zone
# Two weeks from Monday 19 October 2026, local midnight; summer time ends on
# Sunday 25 October (that day has 25 hours).
START = datetime(2026, 10, 19, tzinfo=ZONE)
END = datetime(2026, 11, 2, tzinfo=ZONE)
WORKING = (8, 17)  # the default working hours, Monday to Friday

USAGE = """
query Usage($t: ID!, $from: DateTime!, $to: DateTime!, $g: UsageGrouping) {
  roomUsage(tenantId: $t, from: $from, to: $to, groupBy: $g) {
    timeZone workingHoursStart workingHoursEnd workingDays
    total { ...F }
    groups { ...F }
  }
}
fragment F on RoomUsage {
  key label roomId building floor rooms bookedHours workingHours
  bookedWorkingHours utilisation meetings medianMinutes doorBookings checkedIn
  released endedEarly extended heatmap
}
"""


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time ``day`` days after START (may fall in summer or winter)."""
    naive = (START + timedelta(days=day)).replace(tzinfo=None)
    return naive.replace(hour=hour, minute=minute).replace(tzinfo=ZONE)


def seed_calendar() -> dict[str, list[dict[str, object]]]:
    """Room name -> its bookings, as keyword arguments of models.Booking."""
    aurora = [
        # Mon: checked in, and a second meeting overlapping it by 30 min
        {"start": local(0, 9), "end": local(0, 10), "checked_in": True},
        {"start": local(0, 9, 30), "end": local(0, 10, 30)},
        # Tue: released as a no-show ten minutes in
        {
            "start": local(1, 14),
            "end": local(1, 15, 30),
            "state": "CANCELLED",
            "released": local(1, 14, 10),
        },
        # Wed: booked at the door, ended early after 20 minutes
        {
            "start": local(2, 10),
            "end": local(2, 11),
            "state": "CANCELLED",
            "source": "DISPLAY",
            "ended_early": local(2, 10, 20),
        },
        # Thu: past the end of working hours, extended at the door
        {"start": local(3, 16), "end": local(3, 18), "extended": local(3, 17)},
        # Fri night into Saturday: across midnight, outside working hours
        {"start": local(4, 23), "end": local(5, 1)},
        # cancelled and declined: never count
        {"start": local(7, 9), "end": local(7, 12), "state": "CANCELLED"},
        {"start": local(8, 9), "end": local(8, 12), "state": "DECLINED"},
    ]
    borealis = [
        # began before the range: its hours inside count, the meeting does not
        {"start": START - timedelta(hours=2), "end": START + timedelta(hours=1)},
        # the night summer time ends (three wall-clock hours, four real ones)
        {"start": local(6, 1), "end": local(6, 4)},
        {
            "start": local(9, 9),
            "end": local(9, 12),
            "source": "DISPLAY",
            "checked_in": True,
        },
        {"start": local(10, 13), "end": local(10, 13, 45), "state": "PENDING"},
        # runs past the range's end
        {"start": local(13, 23), "end": END + timedelta(hours=3)},
    ]
    return {"Aurora": aurora, "Borealis": borealis, "Cirrus": []}


def booking_row(room: models.Room, spec: dict[str, object]) -> models.Booking:
    start, end = spec["start"], spec["end"]
    assert isinstance(start, datetime)
    assert isinstance(end, datetime)
    return models.Booking(
        tenant_id=room.tenant_id,
        room_id=room.id,
        start=start,
        end=end,
        subject="Secret plans",
        organizer_name="Adele Vance",
        organizer_email="adele@contoso.example",
        source=spec.get("source", "OUTLOOK"),
        state=spec.get("state", "CONFIRMED"),
        checked_in_at=start if spec.get("checked_in") else None,
        released_at=spec.get("released"),
        ended_early_at=spec.get("ended_early"),
        extended_at=spec.get("extended"),
    )


async def seeded(session: AsyncSession) -> tuple[models.Tenant, list[models.Room]]:
    tenant = await make_tenant(session)
    rooms = [
        await make_room(session, tenant, "Aurora", building="North"),
        await make_room(session, tenant, "Borealis", building="North"),
        await make_room(session, tenant, "Cirrus", building="South"),
    ]
    rooms[1].floor = "2"
    calendar = seed_calendar()
    for room in rooms:
        session.add_all(booking_row(room, spec) for spec in calendar[room.name])
    await session.commit()
    return tenant, rooms


# ---- the expected answers, computed minute by minute -----------------------


def counts(spec: dict[str, object]) -> bool:
    return spec.get("state", "CONFIRMED") in ("CONFIRMED", "PENDING") or bool(
        spec.get("released") or spec.get("ended_early")
    )


def held_until(spec: dict[str, object]) -> datetime:
    ends = [spec[k] for k in ("end", "released", "ended_early") if spec.get(k)]
    return min(e for e in ends if isinstance(e, datetime))


def expected(specs: list[dict[str, object]], rooms: int) -> dict[str, object]:
    first, last = START.astimezone(UTC), END.astimezone(UTC)  # real minutes
    minutes = [
        first + timedelta(minutes=m)
        for m in range(int((last - first).total_seconds() // 60))
    ]
    counted = [s for s in specs if counts(s)]
    cell_minutes = [0] * 168
    busy_cells = [0] * 168
    working = booked = booked_working = 0
    for minute in minutes:
        at = minute.astimezone(ZONE)
        cell = at.weekday() * 24 + at.hour
        cell_minutes[cell] += 1
        is_working = at.weekday() < 5 and WORKING[0] <= at.hour < WORKING[1]
        working += is_working
        for room_specs in specs_by_room(counted):
            if any(s["start"] <= minute < held_until(s) for s in room_specs):
                booked += 1
                booked_working += is_working
                busy_cells[cell] += 1
    in_range = [s for s in counted if START <= s["start"] < END]  # type: ignore[operator]
    lengths = [minutes_between(s["start"], held_until(s)) for s in in_range]
    return {
        "rooms": rooms,
        "bookedHours": booked / 60,
        "workingHours": working * rooms / 60,
        "bookedWorkingHours": booked_working / 60,
        "utilisation": booked_working / (working * rooms),
        "meetings": len(in_range),
        "medianMinutes": statistics.median(lengths) if lengths else None,
        "doorBookings": sum(s.get("source") == "DISPLAY" for s in in_range),
        "checkedIn": sum(bool(s.get("checked_in")) for s in in_range),
        "released": sum(bool(s.get("released")) for s in in_range),
        "endedEarly": sum(bool(s.get("ended_early")) for s in in_range),
        "extended": sum(bool(s.get("extended")) for s in in_range),
        "heatmap": [
            busy / (total * rooms) if total else 0.0
            for busy, total in zip(busy_cells, cell_minutes, strict=True)
        ],
    }


def minutes_between(start: object, end: datetime) -> float:
    """Real minutes (aware datetimes of one zone subtract as wall-clock times)."""
    assert isinstance(start, datetime)
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60


def specs_by_room(specs: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    grouped: dict[str, list[dict[str, object]]] = {}
    for spec in specs:
        grouped.setdefault(str(spec["room"]), []).append(spec)
    return list(grouped.values())


def tagged(names: list[str]) -> list[dict[str, object]]:
    calendar = seed_calendar()
    return [{**spec, "room": name} for name in names for spec in calendar[name]]


def assert_figures(actual: dict[str, object], wanted: dict[str, object]) -> None:
    for name, value in wanted.items():
        if isinstance(value, list):
            assert actual[name] == pytest.approx(value, abs=1e-9), name
        elif isinstance(value, float):
            assert actual[name] == pytest.approx(value, rel=1e-9), name
        else:
            assert actual[name] == value, name


def variables(tenant_id: str, grouping: str = "ROOM") -> dict[str, str]:
    return {
        "t": tenant_id,
        "from": START.isoformat(),
        "to": END.isoformat(),
        "g": grouping,
    }


# ---- the tests --------------------------------------------------------------


async def test_room_usage_matches_the_seeded_calendar_room_by_room(
    api: GraphQLClient, session: AsyncSession
) -> None:
    # given
    tenant, rooms = await seeded(session)
    token = await make_token(session, tenant, Role.READER)
    # when
    report = api.data(USAGE, variables(tenant.id), token=token)["roomUsage"]
    # then
    assert report["timeZone"] == "Europe/Copenhagen"
    assert (report["workingHoursStart"], report["workingHoursEnd"]) == WORKING
    assert report["workingDays"] == [
        "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
    ]  # fmt: skip
    assert_figures(
        report["total"], expected(tagged(["Aurora", "Borealis", "Cirrus"]), 3)
    )
    by_name = {g["label"]: g for g in report["groups"]}
    assert list(by_name) == ["Aurora", "Borealis", "Cirrus"]
    for room in rooms:
        assert by_name[room.name]["roomId"] == room.id
        assert_figures(by_name[room.name], expected(tagged([room.name]), 1))
    aurora = by_name["Aurora"]
    assert (aurora["meetings"], aurora["released"], aurora["endedEarly"]) == (6, 1, 1)
    assert by_name["Cirrus"]["bookedHours"] == 0
    assert by_name["Cirrus"]["medianMinutes"] is None


async def test_room_usage_groups_by_building_and_by_floor(
    api: GraphQLClient, session: AsyncSession
) -> None:
    # given
    tenant, _ = await seeded(session)
    token = await make_token(session, tenant, Role.ADMIN)
    # when
    buildings = api.data(USAGE, variables(tenant.id, "BUILDING"), token=token)
    floors = api.data(USAGE, variables(tenant.id, "FLOOR"), token=token)
    # then
    north, south = buildings["roomUsage"]["groups"]
    assert (north["label"], south["label"]) == ("North", "South")
    assert_figures(north, expected(tagged(["Aurora", "Borealis"]), 2))
    assert_figures(south, expected(tagged(["Cirrus"]), 1))
    labels = [g["label"] for g in floors["roomUsage"]["groups"]]
    assert labels == ["North, floor 1", "North, floor 2", "South, floor 1"]
    assert_figures(floors["roomUsage"]["groups"][1], expected(tagged(["Borealis"]), 1))


async def test_room_usage_follows_the_tenants_working_hours(
    api: GraphQLClient, session: AsyncSession
) -> None:
    # given: working 07-19 on Monday to Saturday
    tenant, _ = await seeded(session)
    token = await make_token(session, tenant, Role.ADMIN)
    api.data(
        """mutation ($t: ID!) { updateTenantSettings(tenantId: $t, input: {
          workingHoursStart: 7, workingHoursEnd: 19,
          workingDays: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY]
        }) { __typename } }""",
        {"t": tenant.id},
        token=token,
    )
    # when
    total = api.data(USAGE, variables(tenant.id), token=token)["roomUsage"]["total"]
    # then: 12 hours x 12 working days x 3 rooms; Thursday's 17-18 now counts
    assert total["workingHours"] == pytest.approx(12 * 12 * 3)
    baseline = expected(tagged(["Aurora", "Borealis", "Cirrus"]), 3)
    assert total["bookedWorkingHours"] > baseline["bookedWorkingHours"]  # type: ignore[operator]
    backwards = """mutation ($t: ID!) { updateTenantSettings(tenantId: $t, input: {
      workingHoursStart: 18, workingHoursEnd: 9 }) { userErrors { code } } }"""
    assert api.error_codes(backwards, {"t": tenant.id}, token=token) == [
        "BAD_USER_INPUT"
    ]


async def test_room_usage_shows_no_subject_or_organizer(
    api: GraphQLClient, session: AsyncSession
) -> None:
    tenant, _ = await seeded(session)
    token = await make_token(session, tenant, Role.READER)
    body = api.post(USAGE, variables(tenant.id), token=token)
    assert "Secret plans" not in str(body)
    assert "Adele" not in str(body)


async def test_room_usage_is_refused_to_displays_other_tenants_and_long_ranges(
    api: GraphQLClient, session: AsyncSession, clock
) -> None:
    # given
    tenant, rooms = await seeded(session)
    other = await make_tenant(session, "Fabrikam")
    other_admin = await make_token(session, other, Role.ADMIN)
    reader = await make_token(session, tenant, Role.READER)
    device_token = new_device_secret()
    session.add(
        models.Display(
            tenant_id=tenant.id,
            room_id=rooms[0].id,
            name="Aurora door",
            device_token_hash=hash_token(device_token),
            paired_at=clock.now,
            created_at=clock.now,
        )
    )
    await session.commit()
    wanted = variables(tenant.id)
    # then
    assert api.error_codes(USAGE, wanted, token=other_admin) == ["NOT_FOUND"]
    assert api.error_codes(USAGE, wanted, token=device_token) == ["FORBIDDEN"]
    assert api.error_codes(USAGE, wanted) == ["UNAUTHENTICATED"]
    too_long = {
        **wanted,
        "to": (START.astimezone(UTC) + timedelta(days=401)).isoformat(),
    }
    assert api.error_codes(USAGE, too_long, token=reader) == ["BAD_USER_INPUT"]
    backwards = {**wanted, "to": wanted["from"], "from": wanted["to"]}
    assert api.error_codes(USAGE, backwards, token=reader) == ["BAD_USER_INPUT"]
    year = {**wanted, "to": (START.astimezone(UTC) + timedelta(days=400)).isoformat()}
    assert api.data(USAGE, year, token=reader)["roomUsage"]["total"]["meetings"] == 10
