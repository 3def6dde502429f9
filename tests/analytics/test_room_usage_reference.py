"""``roomUsage`` against a plain reference on a random (seeded) calendar: three
weeks of bookings in five rooms around a daylight-saving change, with
overlaps, meetings across midnight and across the range's ends, cancelled,
declined, released and ended-early bookings. The reference knows nothing of
spans, merging or timelines: it asks, minute by minute, which rooms are held.
On SQLite and PostgreSQL, by room, building and floor."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.analytics.test_room_usage import USAGE, assert_figures
from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.db import models
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

MINUTE = timedelta(minutes=1)
WORKING = (8, 17)  # the default working hours, Monday to Friday
ROOMS = [  # name, building, floor
    ("Aurora", "North", "1"),
    ("Borealis", "North", "1"),
    ("Cirrus", "North", "2"),
    ("Dune", "South", "1"),
    ("Empty", "South", "3"),  # no bookings at all
]


@dataclass(frozen=True)
class Case:
    zone: str
    start: tuple[int, int, int, int, int]  # local, not on a whole hour
    end: tuple[int, int, int, int, int]
    seed: int


CASES = {
    # summer time starts on Sunday 29 March 2026 (02:00 -> 03:00)
    "Copenhagen spring": Case("Europe/Copenhagen", (2026, 3, 20, 13, 37), (2026, 4, 8, 6, 15), 7),
    # summer time ends on Sunday 5 April 2026 by half an hour (02:00 -> 01:30)
    "Lord Howe autumn": Case("Australia/Lord_Howe", (2026, 3, 25, 9, 10), (2026, 4, 12, 17, 45), 11),
}  # fmt: skip


@dataclass(frozen=True)
class Booking:
    room: str
    start: datetime  # UTC, whole minutes
    end: datetime
    state: str = "CONFIRMED"
    source: str = "OUTLOOK"
    checked_in: bool = False
    released: datetime | None = None
    ended_early: datetime | None = None
    extended: datetime | None = None

    @property
    def counts(self) -> bool:
        return self.state in ("CONFIRMED", "PENDING") or bool(
            self.released or self.ended_early
        )

    @property
    def held_until(self) -> datetime:
        return min(t for t in (self.end, self.released, self.ended_early) if t)


def random_calendar(
    rng: random.Random, first: datetime, last: datetime, zone: ZoneInfo
) -> list[Booking]:
    """About 70 bookings a room, from two days before the range to two after,
    and a few placed on purpose: across the range's ends and the night the
    clocks change."""
    change = next(  # the first minute after the clocks changed
        first + n * MINUTE
        for n in range(int((last - first) / MINUTE))
        if (first + n * MINUTE).astimezone(zone).utcoffset()
        != first.astimezone(zone).utcoffset()
    )
    bookings = [
        Booking("Aurora", first - timedelta(hours=3), first + timedelta(hours=2)),
        Booking("Borealis", last - timedelta(hours=1), last + timedelta(hours=5)),
        Booking("Cirrus", change - timedelta(hours=2), change + timedelta(hours=3)),
        Booking("Dune", change - timedelta(minutes=50), change + timedelta(minutes=20)),
    ]
    span = int((last - first) / MINUTE) + 4 * 24 * 60
    for name, _, _ in ROOMS[:-1]:
        previous: Booking | None = None
        for _ in range(70):
            if previous and rng.random() < 0.2:  # overlapping the previous one
                start = previous.start + rng.randint(0, 60) * MINUTE
            else:
                start = first - timedelta(days=2) + rng.randrange(span) * MINUTE
            if rng.random() < 0.12:  # long: across midnight, up to 30 hours
                length = rng.randint(6 * 60, 30 * 60)
            else:
                length = rng.choice([15, 30, 45, 60, 90, 120, 180])
            previous = random_booking(rng, name, start, start + length * MINUTE)
            bookings.append(previous)
    return bookings


def random_booking(
    rng: random.Random, room: str, start: datetime, end: datetime
) -> Booking:
    fate = rng.random()
    into = rng.randint(1, int((end - start) / MINUTE) - 1) * MINUTE
    return Booking(
        room,
        start,
        end,
        state="CONFIRMED"
        if fate < 0.55
        else "PENDING"
        if fate < 0.65
        else "DECLINED"
        if fate < 0.72
        else "CANCELLED",
        source="DISPLAY" if rng.random() < 0.25 else "OUTLOOK",
        checked_in=rng.random() < 0.5,
        released=start + into if 0.72 <= fate < 0.8 else None,
        ended_early=start + into if 0.8 <= fate < 0.88 else None,
        extended=start + into if rng.random() < 0.1 else None,
    )


# ---- the reference: minute by minute ----------------------------------------


def reference(
    bookings: list[Booking],
    rooms: list[str],
    first: datetime,
    last: datetime,
    zone: ZoneInfo,
) -> dict[str, object]:
    counted = [b for b in bookings if b.counts and b.room in rooms]
    held: set[tuple[str, datetime]] = set()  # (room, minute) held by a booking
    for booking in counted:
        minute = booking.start
        while minute < booking.held_until:
            held.add((booking.room, minute))
            minute += MINUTE
    cell_minutes, busy_cells = [0] * 168, [0] * 168
    working = booked = booked_working = 0
    minute = first
    while minute < last:
        local = minute.astimezone(zone)
        cell = local.weekday() * 24 + local.hour
        is_working = local.weekday() < 5 and WORKING[0] <= local.hour < WORKING[1]
        cell_minutes[cell] += 1
        working += is_working
        busy = sum((room, minute) in held for room in rooms)
        booked += busy
        booked_working += busy * is_working
        busy_cells[cell] += busy
        minute += MINUTE
    meetings = [b for b in counted if first <= b.start < last]
    lengths = [(b.held_until - b.start) / MINUTE for b in meetings]
    return {
        "rooms": len(rooms),
        "bookedHours": booked / 60,
        "workingHours": working * len(rooms) / 60,
        "bookedWorkingHours": booked_working / 60,
        "utilisation": booked_working / (working * len(rooms)),
        "meetings": len(meetings),
        "medianMinutes": statistics.median(lengths) if lengths else None,
        "doorBookings": sum(b.source == "DISPLAY" for b in meetings),
        "checkedIn": sum(b.checked_in for b in meetings),
        "released": sum(bool(b.released) for b in meetings),
        "endedEarly": sum(bool(b.ended_early) for b in meetings),
        "extended": sum(bool(b.extended) for b in meetings),
        "heatmap": [
            busy / (total * len(rooms)) if total else 0.0
            for busy, total in zip(busy_cells, cell_minutes, strict=True)
        ],
    }


def assert_the_calendar_has_every_hard_case(
    bookings: list[Booking], first: datetime, last: datetime, zone: ZoneInfo
) -> None:
    """So that the comparison below cannot pass on an easy calendar."""
    counted = [b for b in bookings if b.counts]
    offsets = {first.astimezone(zone).utcoffset(), last.astimezone(zone).utcoffset()}
    assert len(offsets) == 2  # a daylight-saving change inside the range
    assert any(
        b.start.astimezone(zone).date()
        != (b.held_until - MINUTE).astimezone(zone).date()
        for b in counted
    )  # across local midnight
    assert any(
        a.room == b.room and a is not b and a.start <= b.start < a.held_until
        for a in counted
        for b in counted
    )  # overlapping
    assert any(b.start < first < b.held_until for b in counted)
    assert any(b.start < last < b.held_until for b in counted)
    assert any(b.state in ("CANCELLED", "DECLINED") and not b.counts for b in bookings)
    assert any(b.released for b in counted)
    assert any(b.ended_early for b in counted)


async def seed(
    session: AsyncSession, case: Case
) -> tuple[models.Tenant, list[Booking], datetime, datetime]:
    zone = ZoneInfo(case.zone)
    first = datetime(*case.start, tzinfo=zone).astimezone(UTC)
    last = datetime(*case.end, tzinfo=zone).astimezone(UTC)
    tenant = await make_tenant(session)
    tenant.time_zone = case.zone
    rooms = {}
    for name, building, floor in ROOMS:
        rooms[name] = await make_room(session, tenant, name, building=building)
        rooms[name].floor = floor
    bookings = random_calendar(random.Random(case.seed), first, last, zone)
    session.add_all(
        models.Booking(
            tenant_id=tenant.id,
            room_id=rooms[b.room].id,
            start=b.start,
            end=b.end,
            subject="Random",
            source=b.source,
            state=b.state,
            checked_in_at=b.start if b.checked_in else None,
            released_at=b.released,
            ended_early_at=b.ended_early,
            extended_at=b.extended,
        )
        for b in bookings
    )
    await session.commit()
    return tenant, bookings, first, last


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_room_usage_matches_a_minute_by_minute_reference_on_a_random_calendar(
    api: GraphQLClient, session: AsyncSession, case: Case
) -> None:
    # given
    tenant, bookings, first, last = await seed(session, case)
    zone = ZoneInfo(case.zone)
    assert_the_calendar_has_every_hard_case(bookings, first, last, zone)
    token = await make_token(session, tenant, Role.READER)
    every_room = [name for name, _, _ in ROOMS]
    groupings = {
        "ROOM": {name: [name] for name in every_room},
        "BUILDING": {"North": every_room[:3], "South": every_room[3:]},
        "FLOOR": {
            "North, floor 1": ["Aurora", "Borealis"],
            "North, floor 2": ["Cirrus"],
            "South, floor 1": ["Dune"],
            "South, floor 3": ["Empty"],
        },
    }
    for grouping, groups in groupings.items():
        # when
        report = api.data(
            USAGE,
            {
                "t": tenant.id,
                "from": first.astimezone(zone).isoformat(),
                "to": last.isoformat(),
                "g": grouping,
            },
            token=token,
        )["roomUsage"]
        # then
        assert report["timeZone"] == case.zone
        assert_figures(
            report["total"], reference(bookings, every_room, first, last, zone)
        )
        assert [g["label"] for g in report["groups"]] == list(groups)
        for found, rooms in zip(report["groups"], groups.values(), strict=True):
            assert_figures(found, reference(bookings, rooms, first, last, zone))
