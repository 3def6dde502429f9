"""No-show release: a meeting nobody checks in to gives the room back in Exchange.

The worker runs on a settable clock, so "ten minutes after the start" is a
line of the test, not a wait.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.displays.signage import operation
from tests.emulated_tenant import events_of, exchange, system_clock
from tests.emulator.core_directory import ADELE, ROOM1, eventually
from tests.sync.outbox_harness import BookingWorld, add_person, running_worker
from transom.db import models
from transom.domain.tenant_settings import TenantSettings

pytestmark = pytest.mark.anyio

SETTINGS = """
mutation ($tenantId: ID!, $input: TenantSettingsInput!) {
  updateTenantSettings(tenantId: $tenantId, input: $input) { settings {
    checkInRequired noShowReleaseMinutes
  } }
}
"""
NEVER = 3600.0  # the releaser's own pass interval: the tests call it directly


class Clock:
    """The worker's clock: real time moved by a settable amount, so follow-up
    reads still come due while the test jumps ahead to "10 minutes in"."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def __call__(self) -> datetime:
        return system_clock() + self.shift

    def set(self, moment: datetime) -> None:
        self.shift = moment - system_clock()


def require_check_in(world: BookingWorld, minutes: int = 10) -> None:
    world.api.data(
        SETTINGS,
        {
            "tenantId": world.tenant_id,
            "input": {"checkInRequired": True, "noShowReleaseMinutes": minutes},
        },
    )


def soon() -> datetime:
    return system_clock().replace(second=0, microsecond=0) + timedelta(minutes=2)


async def adeles_meeting(world: BookingWorld, start: datetime) -> str:
    """Adele's confirmed hour in Room 1 (her event, the room as attendee)."""
    await add_person(world, ADELE, "Adele Vance")
    booked = world.book(
        start=start.isoformat(),
        end=(start + timedelta(hours=1)).isoformat(),
        organizerEmail=ADELE,
    )
    await world.state_becomes(booked["id"], "CONFIRMED")
    return str(booked["id"])


async def test_a_meeting_nobody_checks_in_to_is_declined_by_the_room(
    world: BookingWorld,
) -> None:
    # given check-in required within 10 minutes, and Adele's meeting
    require_check_in(world, minutes=10)
    start = soon()
    clock = Clock()
    async with running_worker(world, clock=clock, release_seconds=NEVER) as worker:
        booking_id = await adeles_meeting(world, start)
        # when 9 minutes pass, then 10
        clock.set(start + timedelta(minutes=9))
        early = await worker.releaser.release_due()
        clock.set(start + timedelta(minutes=10))
        released = await worker.releaser.release_due()

        # then the room declines in Exchange: Adele sees it, the room is empty
        async def room_declined():
            async with exchange(world) as client:
                (event,) = await events_of(client, ADELE)
                room_events = await events_of(client, ROOM1)
            (room,) = [a for a in event.attendees if a.email_address.address == ROOM1]
            assert room.status.response.value == "declined"
            assert room_events == []

        await eventually(room_declined, 10)
    row = await world.booking(booking_id)
    assert early == []
    assert released == [booking_id]
    assert row.state == "CANCELLED"
    assert row.released_at is not None  # room analytics count the release
    assert row.decline_reason == (
        "Released: nobody checked in within 10 minutes of the start."
    )


async def test_a_room_calendar_booking_nobody_checks_in_to_is_removed(
    world: BookingWorld,
) -> None:
    # given a booking Transom wrote straight into the room calendar
    require_check_in(world, minutes=5)
    start = soon()
    clock = Clock()
    booked = world.book(
        start=start.isoformat(), end=(start + timedelta(minutes=30)).isoformat()
    )
    async with running_worker(world, clock=clock, release_seconds=NEVER) as worker:
        await world.state_becomes(booked["id"], "CONFIRMED")
        # when
        clock.set(start + timedelta(minutes=5))
        released = await worker.releaser.release_due()

        # then
        async def room_empty():
            async with exchange(world) as client:
                assert await events_of(client, ROOM1) == []

        await eventually(room_empty, 10)
    assert released == [booked["id"]]


async def test_a_checked_in_meeting_is_never_released(world: BookingWorld) -> None:
    # given
    require_check_in(world, minutes=10)
    start = soon()
    clock = Clock()
    async with running_worker(world, clock=clock, release_seconds=NEVER) as worker:
        booking_id = await adeles_meeting(world, start)
        # when checked in (as the app's clock sees it: 10 minutes early at most)
        checked = world.api.data(operation("CheckIn"), {"bookingId": booking_id})
        clock.set(start + timedelta(minutes=30))
        released = await worker.releaser.release_due()
    # then
    assert checked["checkIn"]["booking"]["checkedInAt"] is not None
    assert released == []
    assert (await world.booking(booking_id)).state == "CONFIRMED"


async def test_no_meeting_is_released_while_check_in_is_off(
    world: BookingWorld,
) -> None:
    # given the default settings
    start = soon()
    clock = Clock()
    async with running_worker(world, clock=clock, release_seconds=NEVER) as worker:
        booking_id = await adeles_meeting(world, start)
        # when
        clock.set(start + timedelta(minutes=59))
        released = await worker.releaser.release_due()
    # then
    assert released == []
    assert (await world.booking(booking_id)).state == "CONFIRMED"


SYNC_LOG = """
query ($id: ID!) { tenantSyncStatus(tenantId: $id) { log { level code message } } }
"""


async def check_in_required_since(world: BookingWorld, moment: datetime) -> None:
    """Check-in switched on at ``moment`` (as an admin saving it then would)."""
    async with world.sessions() as session:
        tenant = await session.get(models.Tenant, world.tenant_id)
        assert tenant is not None
        rules = TenantSettings.from_stored(tenant.settings).applied(
            {"check_in_required": True, "no_show_release_minutes": 10}, moment
        )
        tenant.settings = {**(tenant.settings or {}), **rules.to_stored()}
        await session.commit()


async def test_switching_check_in_on_releases_no_meeting_already_running(
    world: BookingWorld,
) -> None:
    # given Adele's meeting, running for a minute when check-in is switched on
    start = soon()
    clock = Clock()
    async with running_worker(world, clock=clock, release_seconds=NEVER) as worker:
        running = await adeles_meeting(world, start)
        await check_in_required_since(world, start + timedelta(minutes=1))
        later = world.book(
            start=(start + timedelta(hours=1)).isoformat(),
            end=(start + timedelta(hours=2)).isoformat(),
            organizerEmail=ADELE,
        )
        await world.state_becomes(later["id"], "CONFIRMED")

        # when 10 minutes pass for the running one, then for the later one
        clock.set(start + timedelta(minutes=30))
        early = await worker.releaser.release_due()
        clock.set(start + timedelta(hours=1, minutes=10))
        released = await worker.releaser.release_due()

    # then the running meeting stands; the later no-show is released and logged
    assert early == []
    assert released == [later["id"]]
    assert (await world.booking(running)).state == "CONFIRMED"
    log = world.api.data(SYNC_LOG, {"id": world.tenant_id})["tenantSyncStatus"]["log"]
    (entry,) = [e for e in log if e["code"] == "NO_SHOW_RELEASED"]
    assert entry["level"] == "INFO"
    assert "'Planning' by Adele Vance in Room 1" in entry["message"]
    assert "within 10 minutes" in entry["message"]


async def test_saving_check_in_records_when_it_became_required(
    world: BookingWorld,
) -> None:
    before = system_clock()
    require_check_in(world)
    saved = required_since(world)
    assert datetime.fromisoformat(saved) >= before.replace(microsecond=0)
    # saving again (still required) keeps the moment
    require_check_in(world, minutes=20)
    assert required_since(world) == saved


def required_since(world: BookingWorld) -> str:
    query = "query ($id: ID!) { tenant(id: $id) { settings { checkInRequiredSince } } }"
    data = world.api.data(query, {"id": world.tenant_id})
    return str(data["tenant"]["settings"]["checkInRequiredSince"])
