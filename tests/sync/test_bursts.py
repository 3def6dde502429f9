"""Bursts of bookings with notifications on: exactly once in Exchange and in Transom.

The webhook-driven delta round and the outbox race to record each new event;
whichever wins, one booking per event remains, every one CONFIRMED, and a
cancel withdraws the event from Exchange within seconds, also under a 429/503
storm, with the tenant's secret expiring mid-burst and renewed, and with the
server killed (-9) while its writes are under way and started again.
"""

from __future__ import annotations

import pytest

from tests.emulated_tenant import APP_PATH
from tests.processes import transom_serve
from tests.sync.bursts import (
    assert_exactly_once,
    book_burst,
    cancel_all,
    linked_rooms,
    settled,
)
from tests.sync.harness import Api, control, eventually
from transom.emulator import CLIENT_SECRET

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(420)]

APP = APP_PATH.removeprefix("/_emulator")
TEST = "mutation ($id: ID!) { testTenantConnection(tenantId: $id) { connectionTest { status } } }"


async def burst_then_cancel(
    api: Api, emulator_url: str, booked, secret: str = CLIENT_SECRET
) -> None:
    rows = await eventually(lambda: settled(api, booked), 180, "burst settled")
    assert rows
    await assert_exactly_once(api, emulator_url, booked, secret=secret)
    cancelled = booked[::5]
    await cancel_all(api, cancelled)
    gone = frozenset(b.id for b in cancelled)

    async def withdrawn() -> bool:
        try:
            await assert_exactly_once(
                api, emulator_url, booked, cancelled=gone, secret=secret
            )
        except AssertionError:
            return False
        return True

    await eventually(withdrawn, 10, "cancelled meetings gone from Exchange")


async def test_a_burst_of_100_bookings_is_exactly_once_on_both_sides(api, emulator):
    rooms = await linked_rooms(api)

    booked = await book_burst(api, rooms, count=100, in_flight=8)

    await burst_then_cancel(api, emulator.url, booked)


async def test_a_burst_under_a_429_and_503_storm_is_exactly_once(api, emulator):
    rooms = await linked_rooms(api)
    await control(
        emulator.url,
        "POST",
        "/faults",
        throttleShare=0.15,
        unavailableShare=0.15,
        retryAfterSeconds=1,
        seed=11,
    )

    booked = await book_burst(api, rooms, count=60, in_flight=8)
    await eventually(lambda: settled(api, booked), 200, "burst settled in the storm")
    await control(emulator.url, "DELETE", "/faults")

    await burst_then_cancel(api, emulator.url, booked)


async def test_a_secret_expiring_mid_burst_holds_writes_until_renewed(api, emulator):
    rooms = await linked_rooms(api)
    booked = await book_burst(api, rooms, count=30, in_flight=8)

    # when the secret expires and the next connection check finds it
    await control(emulator.url, "POST", f"{APP}/secrets/all/expire")
    status = (await api.data(TEST, id=api.tenant_id))["testTenantConnection"][
        "connectionTest"
    ]
    assert status["status"] == "SECRET_EXPIRED"
    booked += await book_burst(api, rooms, count=30, in_flight=8, first=30)

    # then the admin saves a new secret and every write goes through
    secret = await control(emulator.url, "POST", f"{APP}/secrets", days=300)
    connected = await api.connect(secret=secret["value"])
    assert connected["status"] == "CONNECTED", connected

    await burst_then_cancel(api, emulator.url, booked, secret=secret["value"])


async def test_a_server_killed_mid_burst_resumes_and_books_exactly_once(
    emulator, database_url, tenant_token, tmp_path, process_setup
):
    # given Transom as a real process, notified by Graph at a fixed port
    env, port = process_setup.env, process_setup.port
    tenant_id, token = tenant_token
    with transom_serve(env, tmp_path / "data", port=port) as server:
        api = Api(server.url, token, tenant_id)
        rooms = await linked_rooms(api)
        booked = await book_burst(api, rooms, count=30, in_flight=8)
        # when it is killed while the writes are under way
        server.kill()
    # then a new process on the same database takes the writes over
    with transom_serve(env, tmp_path / "data", port=port) as server:
        api = Api(server.url, token, tenant_id)
        booked += await book_burst(api, rooms, count=30, in_flight=8, first=30)
        await burst_then_cancel(api, emulator.url, booked)
