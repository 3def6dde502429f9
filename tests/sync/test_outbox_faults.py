"""The outbox under faults: 429 storms, expired secrets, crashes mid-write, refusals."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from tests.emulated_tenant import APP_PATH, events_of, exchange, system_clock
from tests.emulator.core_directory import ADELE, ROOM1, eventually
from tests.sync.outbox_harness import (
    BookingWorld,
    add_person,
    new_worker,
    running_worker,
)
from transom.db import models
from transom.db import outbox as outbox_repo
from transom.emulator import CLIENT_ID, TENANT_ID
from transom.security import SecretBox
from transom.sync.credentials import graph_client_for
from transom.sync.outbox import settle
from transom.sync.outbox.handlers import _draft
from transom.sync.outbox.jobs import BookingView

pytestmark = pytest.mark.anyio

OUTBOX = """
query Outbox($status: OutboxStatus) {
  outboxItems(status: $status) {
    nodes { id kind status attempts lastError lastErrorCode hint bookingId }
  }
}
"""
CONNECT = """
mutation C($input: ConnectTenantInput!) { connectTenant(input: $input) { connectionTest { status } } }
"""
RETRY = "mutation R($id: ID!) { retryOutboxItem(id: $id) { outboxItem { id status } userErrors { code } } }"
DROP = "mutation D($id: ID!) { dropOutboxItem(id: $id) { outboxItem { id status } } }"
CANCEL_BOOKING = (
    "mutation C($id: ID!) { cancelBooking(id: $id) { booking { id state } } }"
)


async def test_429_storm_delays_but_books_exactly_once(world: BookingWorld):
    # given Graph throttles 80 % of requests
    await add_person(world, ADELE, "Adele Vance")
    await world.control(
        "POST",
        "/_emulator/faults",
        {"throttleShare": 0.8, "retryAfterSeconds": 1, "seed": 4},
    )
    booked = world.book(organizerEmail=ADELE)

    # when the storm passes after a while
    async with running_worker(world):
        await anyio.sleep(3)
        await world.control("DELETE", "/_emulator/faults")
        row = await world.state_becomes(booked["id"], "CONFIRMED", within=60)

    # then
    async with exchange(world) as client:
        assert [e.id for e in await events_of(client, ADELE)] == [
            row.organizer_event_id
        ]
        assert len(await events_of(client, ROOM1)) == 1


async def test_expired_secret_holds_writes_until_credentials_are_renewed(
    world: BookingWorld,
):
    # given the tenant's only secret expired
    await world.control("POST", f"{APP_PATH}/secrets/all/expire")
    booked = world.book(organizerEmail="guest@fabrikam.example")

    # when
    async with running_worker(world):

        async def held() -> models.OutboxItem:
            (item,) = await world.outbox(booked["id"])
            assert item.status == "HELD"
            return item

        item = await eventually(held, 20)
        tenant = await _tenant(world)

        # then the tenant says why, and the write waits
        assert tenant.connection_status == "SECRET_EXPIRED"
        assert tenant.connection_hint
        assert "secret" in tenant.connection_hint
        assert item.last_error_code
        listed = world.api.data(OUTBOX, {"status": "HELD"})["outboxItems"]["nodes"]
        assert [n["id"] for n in listed] == [item.id]

        # when an admin saves a new secret
        secret = await _renew_secret(world)

        # then the write resumes and books once
        await world.state_becomes(booked["id"], "CONFIRMED")
    async with exchange(world, secret) as client:
        assert len(await events_of(client, ROOM1)) == 1


async def test_a_write_refused_after_new_credentials_were_saved_runs_with_them(
    world: BookingWorld,
):
    # given the secret expired, and Entra ID answers slowly: a write's token
    # request, made with the old secret, is still on its way
    await world.control("POST", f"{APP_PATH}/secrets/all/expire")
    await world.control(
        "POST", "/_emulator/faults", {"pathPrefix": f"/{TENANT_ID}/", "latencyMs": 4000}
    )
    booked = world.book(organizerEmail="guest@fabrikam.example")
    async with running_worker(world):

        async def claimed() -> bool:
            (item,) = await world.outbox(booked["id"])
            assert item.attempts >= 1
            return True

        await eventually(claimed, 10)

        # when an admin saves a new secret before the old one is refused
        await world.control("DELETE", "/_emulator/faults")
        secret = await _renew_secret(world)

        # then the refusal of the old secret neither holds the write nor marks
        # the tenant: the write runs again with the new secret and books once
        await world.state_becomes(booked["id"], "CONFIRMED", within=30)
        assert (await _tenant(world)).connection_status == "CONNECTED"
        (item,) = await world.outbox(booked["id"])
        assert item.status == "DONE"
    async with exchange(world, secret) as client:
        assert len(await events_of(client, ROOM1)) == 1


async def test_worker_killed_after_graph_accepted_the_create_books_once(
    world: BookingWorld,
):
    # given a worker claimed the create and Graph created the event, then the
    # process died before recording anything
    booked = world.book(organizerEmail="guest@fabrikam.example")
    async with world.sessions() as session:
        (item,) = await outbox_repo.claim_due(
            session, now=system_clock(), lease=timedelta(minutes=5), limit=1
        )
    await _create_like_the_handler(world, item)
    assert (await world.booking(booked["id"])).graph_event_id is None

    # when another worker runs once the lease has passed
    later = lambda: system_clock() + timedelta(minutes=6)  # noqa: E731
    async with running_worker(world, clock=later):
        row = await world.state_becomes(booked["id"], "CONFIRMED")

    # then
    async with exchange(world) as client:
        assert [e.id for e in await events_of(client, ROOM1)] == [row.graph_event_id]


async def test_running_write_is_not_claimed_again_before_its_lease_ends(
    world: BookingWorld,
):
    # given
    world.book()
    async with world.sessions() as session:
        first = await outbox_repo.claim_due(
            session, now=system_clock(), lease=timedelta(minutes=5), limit=5
        )

    # when
    async with world.sessions() as session:
        second = await outbox_repo.claim_due(
            session, now=system_clock(), lease=timedelta(minutes=5), limit=5
        )

    # then
    assert len(first) == 1
    assert second == []


async def test_two_workers_never_run_the_same_write_twice(world: BookingWorld):
    # given
    for hours in range(26, 32):
        start, end = world.slot(hours_ahead=hours)
        world.book(start=start, end=end)

    # when
    async with anyio.create_task_group() as task_group:
        for worker in (new_worker(world), new_worker(world)):
            task_group.start_soon(worker.run_due)

    # then
    async with world.sessions() as session:
        rows = (await session.scalars(models.OutboxItem.__table__.select())).all()
    assert len(rows) >= 6
    async with exchange(world) as client:
        events = await events_of(client, ROOM1)
    assert len({e.start.date_time for e in events}) == len(events)


async def test_refused_write_fails_visibly_and_an_admin_retries_it(
    world: BookingWorld,
):
    # given an access policy that leaves Room 1 out
    await world.control("PUT", f"{APP_PATH}/access-policy", {"mailboxes": [ADELE]})
    booked = world.book()
    async with running_worker(world):
        failed = await _item_becomes(world, booked["id"], "FAILED")

        # when
        listed = world.api.data(OUTBOX, {"status": "FAILED"})["outboxItems"]["nodes"]
        await world.control("DELETE", f"{APP_PATH}/access-policy")
        retried = world.api.data(RETRY, {"id": failed.id})["retryOutboxItem"][
            "outboxItem"
        ]

        # then
        assert listed[0]["id"] == failed.id
        assert listed[0]["lastErrorCode"] == "ErrorAccessDenied"
        assert "access policy" in listed[0]["hint"]
        assert retried["status"] == "PENDING"
        await world.state_becomes(booked["id"], "CONFIRMED")


async def test_dropping_a_failed_create_declines_the_booking(world: BookingWorld):
    # given
    await world.control("PUT", f"{APP_PATH}/access-policy", {"mailboxes": [ADELE]})
    booked = world.book()
    async with running_worker(world):
        failed = await _item_becomes(world, booked["id"], "FAILED")

    # when
    dropped = world.api.data(DROP, {"id": failed.id})["dropOutboxItem"]["outboxItem"]

    # then
    assert dropped["status"] == "DROPPED"
    row = await world.booking(booked["id"])
    assert row.state == "DECLINED"
    assert "dropped" in (row.decline_reason or "")
    codes = world.api.error_codes(RETRY, {"id": failed.id})
    assert codes == ["CONFLICT"]


async def _item_becomes(
    world: BookingWorld, booking_id: str, status: str
) -> models.OutboxItem:
    async def check() -> models.OutboxItem:
        (item,) = await world.outbox(booking_id)
        assert item.status == status, (item.status, item.last_error)
        return item

    return await eventually(check, 20)


async def _tenant(world: BookingWorld) -> models.Tenant:
    async with world.sessions() as session:
        tenant = await session.get(models.Tenant, world.tenant_id)
    assert tenant is not None
    return tenant


async def _renew_secret(world: BookingWorld) -> str:
    """A new secret in Entra ID, saved through connectTenant."""
    secret = await world.control("POST", f"{APP_PATH}/secrets", {"days": 365})
    variables = {
        "input": {
            "tenantId": world.tenant_id,
            "directoryId": TENANT_ID,
            "clientId": CLIENT_ID,
            "clientSecret": secret["value"],
        }
    }
    # from a thread: a worker running in this event loop may hold the tenant's
    # row lock that connectTenant waits for
    answer = await anyio.to_thread.run_sync(world.api.data, CONNECT, variables)
    connected = answer["connectTenant"]["connectionTest"]
    assert connected["status"] == "CONNECTED", connected
    value: str = secret["value"]
    return value


async def _create_like_the_handler(
    world: BookingWorld, item: models.OutboxItem
) -> None:
    async with world.sessions() as session:
        booking = await session.get(models.Booking, item.booking_id)
        assert booking is not None
        room = await session.get(models.Room, booking.room_id)
        tenant = await session.get(models.Tenant, world.tenant_id)
    assert room is not None
    assert tenant is not None
    box = SecretBox(str(world.settings.secret_key))
    draft = _draft(BookingView.of(booking, room), direct=True)
    async with await graph_client_for(tenant, world.settings, box) as graph:
        await graph.create_event(ROOM1, draft, item.transaction_id)


async def test_a_cancel_does_not_wait_behind_a_create_that_keeps_failing(
    world: BookingWorld,
):
    # given a create that failed and waits out a long backoff (Graph kept
    # answering 503), as the worker leaves it
    booked = world.book(organizerEmail="guest@fabrikam.example")
    async with world.sessions() as session:
        (item,) = await outbox_repo.claim_due(
            session, now=system_clock(), lease=timedelta(minutes=5), limit=1
        )
        await settle.reschedule(
            session,
            item_id=item.id,
            delay=timedelta(minutes=10),
            failure=settle.Failure("Service unavailable", "ServiceUnavailable", None),
            now=system_clock(),
        )
        await session.commit()

    # when the booking is cancelled
    world.api.data(CANCEL_BOOKING, {"id": booked["id"]})

    # then the cancel runs at once and the create gives way to it
    async with running_worker(world):

        async def cancelled() -> list[models.OutboxItem]:
            create, cancel = await world.outbox(booked["id"])
            assert (create.status, create.last_error_code) == ("DONE", "SUPERSEDED")
            assert cancel.status == "DONE"
            return [create, cancel]

        await eventually(cancelled, 10)
    async with exchange(world) as client:
        assert await events_of(client, ROOM1) == []
    assert (await world.booking(booked["id"])).state == "CANCELLED"


async def test_cancelling_a_booking_whose_create_reached_exchange_unrecorded_withdraws_it(
    world: BookingWorld,
):
    # given Graph created the event but its answer never reached Transom, and the
    # create waits to be tried again
    booked = world.book(organizerEmail="guest@fabrikam.example")
    async with world.sessions() as session:
        (item,) = await outbox_repo.claim_due(
            session, now=system_clock(), lease=timedelta(minutes=5), limit=1
        )
    await _create_like_the_handler(world, item)
    async with world.sessions() as session:
        row = await session.get(models.OutboxItem, item.id)
        assert row is not None
        row.status = "PENDING"
        row.next_attempt_at = system_clock() + timedelta(minutes=10)
        await session.commit()
    async with exchange(world) as client:
        assert len(await events_of(client, ROOM1)) == 1

    # when the booking is cancelled
    world.api.data(CANCEL_BOOKING, {"id": booked["id"]})
    async with running_worker(world):

        async def withdrawn() -> None:
            async with exchange(world) as client:
                assert await events_of(client, ROOM1) == []

        await eventually(withdrawn, 10)
    # then
    assert (await world.booking(booked["id"])).state == "CANCELLED"
