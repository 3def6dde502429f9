"""One mailbox loop, driven step by step: restarts, expired delta tokens, series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.emulator.graph_clients import graph_client
from tests.factories import make_tenant
from tests.sync.harness import address, control, eventually, sync_settings
from tests.sync.outlook import book, cancel, daily, move
from transom.db import models
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from transom.pubsub import MemoryBus
from transom.sync.apply import RoomRef
from transom.sync.commands.service import SyncService
from transom.sync.env import SyncEnv, wall_clock
from transom.sync.mailbox import MailboxLoop

pytestmark = pytest.mark.anyio

AURORA = address("aurora")
ADELE = address("adele")


def tomorrow(hour: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
async def env(database_url: str, tmp_path: Path, emulator, sessions):
    settings = sync_settings(
        database_url, tmp_path, emulator_url=emulator.url, public_url=None
    )
    env = SyncEnv.create(settings, sessions, MemoryBus(), wall_clock)
    try:
        yield env
    finally:
        await env.clients.aclose()


@pytest.fixture
async def room(env, session) -> RoomRef:
    tenant = await make_tenant(session)
    service = SyncService(env, None)
    report = await service.connect_tenant(
        tenant.id,
        directory_id=TENANT_ID,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        secret_expires_at=None,
        certificate_pem=None,
    )
    assert report.status.value == "CONNECTED"
    imported = await service.import_rooms(tenant.id)
    rows = await session.scalars(
        select(models.Room).where(models.Room.id.in_(imported.room_ids))
    )
    aurora = next(r for r in rows if r.mailbox_email == AURORA)
    linked = await service.link_room(aurora.id, AURORA)
    assert linked.link_state == "VERIFIED"
    return RoomRef(aurora.id, tenant.id, AURORA)


async def bookings(env, room: RoomRef) -> list[models.Booking]:
    async with env.sessions() as session:
        rows = await session.scalars(
            select(models.Booking)
            .where(models.Booking.room_id == room.id)
            .order_by(models.Booking.start)
        )
        return list(rows.all())


async def meetings_in_room(emulator, count: int) -> list[str]:
    ids = []
    async with graph_client(emulator.url) as outlook:
        for n in range(count):
            start = tomorrow(8 + n)
            event = await book(
                outlook, ADELE, f"M{n}", start, start + timedelta(minutes=30), (AURORA,)
            )
            ids.append(event.id)

    async def copies() -> bool:
        async with graph_client(emulator.url) as client:
            view = await client.users.by_user_id(AURORA).events.get()
        return view is not None and len(view.value or []) == count

    await eventually(copies, 5, "room copies")
    return ids


async def test_a_restart_mid_round_resumes_from_the_stored_link_without_duplicates(
    env, room, emulator
):
    # given: five meetings, read two per page; the process dies after one page
    await meetings_in_room(emulator, 5)
    first = MailboxLoop(env, room, page_size=2, max_pages=1)
    await first.step()
    assert len(await bookings(env, room)) == 2
    async with env.sessions() as session:
        state = await session.scalar(select(models.MailboxSyncState))
    assert state is not None
    assert state.delta_link is not None
    assert "skiptoken" in state.delta_link.lower()

    # when: a new process resumes
    await control(emulator.url, "DELETE", "/stats")
    second = MailboxLoop(env, room, page_size=2)
    await second.step()

    # then: all five, once each, and it did not start over
    rows = await bookings(env, room)
    assert [r.subject for r in rows] == ["M0", "M1", "M2", "M3", "M4"]
    assert second.pages_applied == 2
    async with env.sessions() as session:
        count = await session.scalar(select(func.count(models.Booking.id)))
        state = await session.scalar(select(models.MailboxSyncState))
    assert count == 5
    assert state is not None
    assert "deltatoken" in (state.delta_link or "").lower()
    assert state.status == "IN_SYNC"


async def test_an_expired_delta_token_triggers_a_full_resync(env, room, emulator):
    # given: in sync with two meetings
    ids = await meetings_in_room(emulator, 2)
    loop = MailboxLoop(env, room)
    await loop.guarded_step()
    assert len(await bookings(env, room)) == 2

    # when: one is cancelled and Graph forgets our delta token
    async with graph_client(emulator.url) as outlook:
        await cancel(outlook, ADELE, ids[0])
    await control(emulator.url, "POST", "/delta-tokens/invalidate", tenantId=TENANT_ID)
    await loop.guarded_step()  # 410: the link is dropped
    await loop.guarded_step()  # full round

    # then: the absent one is cancelled by the diff, nothing duplicated
    rows = await bookings(env, room)
    assert [(r.subject, r.state) for r in rows] == [
        ("M0", "CANCELLED"),
        ("M1", "CONFIRMED"),
    ]


async def test_a_series_with_an_exception_is_one_booking_per_occurrence(
    env, room, emulator
):
    # given: a daily series of three, the second occurrence moved
    start = tomorrow(14)
    async with graph_client(emulator.url) as outlook:
        master = await book(
            outlook,
            ADELE,
            "Stand-up",
            start,
            start + timedelta(minutes=15),
            (AURORA,),
            recurrence=daily(start, 3),
        )
        view = (
            await outlook.users.by_user_id(ADELE)
            .events.by_event_id(master.id)
            .instances.get(
                request_configuration=_instances(start, start + timedelta(days=4))
            )
        )
        assert view is not None
        second = sorted(view.value or [], key=lambda e: e.start.date_time)[1]
        moved = start + timedelta(days=1, hours=2)
        await move(outlook, ADELE, second.id, moved, moved + timedelta(minutes=15))

    # when
    loop = MailboxLoop(env, room)

    async def three() -> list[models.Booking] | None:
        await loop.guarded_step()
        rows = [r for r in await bookings(env, room) if r.state == "CONFIRMED"]
        return rows if len(rows) == 3 and rows[1].start == moved else None

    rows = await eventually(three, 5, "three occurrences, one moved")

    # then
    assert len({r.series_id for r in rows}) == 1
    assert rows[0].series_id is not None
    assert [r.subject for r in rows] == ["Stand-up"] * 3
    assert [r.start for r in rows] == [
        start,
        moved,
        start + timedelta(days=2),
    ]


def _instances(start: datetime, end: datetime):
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.item.instances.instances_request_builder import (
        InstancesRequestBuilder,
    )

    query = InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
        start_date_time=start.isoformat(), end_date_time=end.isoformat()
    )
    return RequestConfiguration(query_parameters=query)


async def test_people_private_meetings_and_several_rooms(env, room, emulator, session):
    # given: Adele is one of the tenant's people, Ben is not; Borealis is linked too
    session.add(
        models.Person(
            tenant_id=room.tenant_id,
            primary_email="adele.vance@elsewhere.example",
            aliases=[ADELE],
            display_name="Adele Vance",
        )
    )
    await session.commit()
    borealis_id = await session.scalar(
        select(models.Room.id).where(models.Room.mailbox_email == address("borealis"))
    )
    assert borealis_id is not None
    linked = await SyncService(env, None).link_room(borealis_id, address("borealis"))
    assert linked.link_state == "VERIFIED"
    borealis = RoomRef(borealis_id, room.tenant_id, address("borealis"))
    start = tomorrow(9)
    async with graph_client(emulator.url) as outlook:
        await book(
            outlook, ADELE, "Both rooms", start, start + timedelta(hours=1),
            (AURORA, address("borealis")),
        )  # fmt: skip
        await book(
            outlook, address("ben"), "Ben's", start + timedelta(hours=2),
            start + timedelta(hours=3), (AURORA,),
        )  # fmt: skip
        await book(
            outlook, ADELE, "Secret", start + timedelta(hours=4),
            start + timedelta(hours=5), (AURORA,), sensitivity=_private(),
        )  # fmt: skip

    # when
    aurora_loop, borealis_loop = MailboxLoop(env, room), MailboxLoop(env, borealis)

    async def synced() -> list[models.Booking] | None:
        await aurora_loop.guarded_step()
        rows = await bookings(env, room)
        return rows if len(rows) == 3 else None

    rows = await eventually(synced, 5, "three meetings in Aurora")
    await borealis_loop.guarded_step()

    # then: one row per room, known and anonymous organizers, private flagged
    both, bens, secret = rows
    assert (both.subject, both.organizer_name, both.is_anonymous) == (
        "Both rooms", "Adele Vance", False,
    )  # fmt: skip
    assert (bens.is_anonymous, bens.organizer_email) == (True, None)
    assert secret.is_private
    [other] = await bookings(env, borealis)
    assert other.ical_uid == both.ical_uid
    assert other.subject == "Both rooms"


def _private():
    from msgraph.generated.models.sensitivity import Sensitivity

    return Sensitivity.Private


async def test_a_new_day_slides_the_window_with_a_full_round(env, room, emulator):
    # given: in sync with one meeting
    await meetings_in_room(emulator, 1)
    loop = MailboxLoop(env, room)
    await loop.guarded_step()
    async with env.sessions() as session:
        before = await session.scalar(select(models.MailboxSyncState))
    assert before is not None

    # when: the clock passes midnight
    env.clock = lambda: wall_clock() + timedelta(days=1)
    await loop.guarded_step()

    # then: the window moved, the round was full, the meeting is still there once
    async with env.sessions() as session:
        after = await session.scalar(select(models.MailboxSyncState))
    assert after is not None
    assert after.window_start == before.window_start + timedelta(days=1)
    assert after.round_full is False
    assert after.round_started_at > before.round_started_at
    rows = await bookings(env, room)
    assert [(r.subject, r.state) for r in rows] == [("M0", "CONFIRMED")]


def test_renewal_is_scheduled_from_the_expiry_graph_returned():
    from transom.sync.subscriptions import renew_time

    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    # a lifetime of days: renew a day ahead
    assert renew_time(now, now + timedelta(days=3)) == now + timedelta(days=2)
    # a short lifetime: renew halfway
    assert renew_time(now, now + timedelta(hours=1)) == now + timedelta(minutes=30)
