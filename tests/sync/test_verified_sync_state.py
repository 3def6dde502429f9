"""A sync state that tells the truth: lost subscriptions and notifications.

Against the emulator with real webhook delivery and a reconciliation round
every ``RECONCILE`` seconds (an hour in production).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import anyio
import pytest

from tests.emulator.graph_clients import graph_client
from tests.servers import free_port, serve_in_thread
from tests.sync.harness import control, eventually, provision
from tests.sync.outlook import book
from tests.sync.test_outlook_notifications import ADELE, AURORA, linked_room, tomorrow
from transom.emulator import create_app as create_emulator
from transom.emulator.store import Emulator

pytestmark = pytest.mark.anyio

RECONCILE = 3.0
SYNC_LOG = """
query ($id: ID!, $all: Boolean!) { tenantSyncStatus(tenantId: $id,
  includeResolved: $all) { roomsByStatus { status count }
  log { level code message resolvedAt } } }"""


@dataclass
class RestartableEmulator:
    """The emulator on a fixed port, restartable with its ``--state`` file:
    directory and calendars survive, subscriptions and delta tokens do not."""

    state_file: Path
    port: int = field(default_factory=free_port)
    stack: ExitStack = field(default_factory=ExitStack)
    url: str = ""
    state: Emulator | None = None

    def start(self, *, first: bool = False) -> None:
        app = create_emulator(
            seed="empty", state_file=self.state_file, attendant_delay=0.05
        )
        self.state = app.state.emulator
        if first:
            provision(self.state)
        self.url = self.stack.enter_context(serve_in_thread(app, port=self.port))

    def restart(self) -> None:
        self.stack.close()  # saves the state file at shutdown
        self.stack = ExitStack()
        self.start()


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[RestartableEmulator]:
    server = RestartableEmulator(tmp_path / "emulator-state.json")
    server.start(first=True)
    try:
        yield server
    finally:
        server.stack.close()


@pytest.fixture
def reconcile_seconds() -> float:
    return RECONCILE


async def room_status(api, room_id: str, wanted: str, within: float) -> dict:
    async def check():
        sync = (await api.room(room_id))["sync"]
        return sync if sync["status"] == wanted else None

    found: dict = await eventually(check, within, f"room {wanted}")
    return found


async def outlook_meeting(emulator, subject: str, hour: int) -> None:
    start = tomorrow(hour)
    async with graph_client(emulator.url) as outlook:
        await book(
            outlook, ADELE, subject, start, start + timedelta(hours=1), (AURORA,)
        )


async def has_booking(api, room_id: str, subject: str, within: float) -> None:
    async def check():
        return [b for b in await api.bookings(room_id) if b["subject"] == subject]

    await eventually(check, within, f"booking {subject!r}")


async def test_a_restarted_graph_that_forgot_its_subscriptions_is_noticed_and_said(
    api, emulator
):
    # given a room in sync through notifications
    room_id = await linked_room(api)
    [old] = (await control(emulator.url, "GET", "/subscriptions"))["value"]

    # when Graph restarts, forgetting subscriptions and delta tokens, and a
    # meeting is made in Outlook meanwhile
    emulator.restart()
    async with anyio.create_task_group() as tg:
        tg.start_soon(outlook_meeting, emulator, "While forgotten", 9)
        # then the next reconciliation round notices (its delta link is gone,
        # and so is the subscription), recreates the subscription, and the room
        # says it is not trusted yet, and since when
        sync = await room_status(api, room_id, "DEGRADED", RECONCILE * 3)
    assert sync["since"]
    assert "no longer had" in sync["problem"]
    [new] = (await control(emulator.url, "GET", "/subscriptions"))["value"]
    assert new["id"] != old["id"]
    assert new["resource"] == f"users/{AURORA}/events"
    await has_booking(api, room_id, "While forgotten", 2.0)
    status = (await api.data(SYNC_LOG, id=api.tenant_id, all=False))["tenantSyncStatus"]
    assert {"status": "DEGRADED", "count": 1} in status["roomsByStatus"]
    assert [e["code"] for e in status["log"]] == ["SUBSCRIPTION_RECREATED"]

    # when the next meeting is made, its notification arrives on the new
    # subscription
    await outlook_meeting(emulator, "After restart", 11)

    # then it shows within 2 s, the room is in sync again, and the warning
    # is resolved
    await has_booking(api, room_id, "After restart", 2.0)
    await room_status(api, room_id, "IN_SYNC", 5)
    status = (await api.data(SYNC_LOG, id=api.tenant_id, all=False))["tenantSyncStatus"]
    assert status["log"] == []
    resolved = (await api.data(SYNC_LOG, id=api.tenant_id, all=True))[
        "tenantSyncStatus"
    ]["log"]
    assert [e["code"] for e in resolved] == ["SUBSCRIPTION_RECREATED"]
    assert resolved[0]["resolvedAt"]


async def test_a_lost_notification_is_repaired_by_reconciliation_and_said(
    api, emulator
):
    # given a room in sync, and Graph loses every notification from now on
    room_id = await linked_room(api)
    await control(emulator.url, "POST", "/notifications/drop", share=1.0)

    # when a meeting is made in Outlook
    await outlook_meeting(emulator, "Unannounced", 9)

    # then the reconciliation round brings it, and the room says notifications
    # are not arriving, since when
    await has_booking(api, room_id, "Unannounced", RECONCILE * 4)
    sync = await room_status(api, room_id, "DEGRADED", 5)
    assert sync["since"]
    assert "without a notification" in sync["problem"]
    # and later reconciliation rounds that find nothing do not pretend otherwise
    await room_status(api, room_id, "DEGRADED", 1)
    log = (await api.data(SYNC_LOG, id=api.tenant_id, all=False))["tenantSyncStatus"][
        "log"
    ]
    assert [e["code"] for e in log] == ["NOTIFICATIONS_MISSED"]

    # when notifications are delivered again
    await control(emulator.url, "POST", "/notifications/drop", share=0.0)
    await outlook_meeting(emulator, "Announced", 11)

    # then the change shows within 2 s and the room is in sync again
    await has_booking(api, room_id, "Announced", 2.0)
    await room_status(api, room_id, "IN_SYNC", 5)
    log = (await api.data(SYNC_LOG, id=api.tenant_id, all=False))["tenantSyncStatus"][
        "log"
    ]
    assert log == []


async def test_missed_notifications_from_graph_trigger_a_full_resync(api, emulator):
    # given a room in sync, and a meeting whose notification was lost
    room_id = await linked_room(api)
    [sub] = (await control(emulator.url, "GET", "/subscriptions"))["value"]
    await control(emulator.url, "POST", "/notifications/drop", share=1.0)
    await outlook_meeting(emulator, "Missed", 9)
    await control(emulator.url, "POST", "/notifications/drop", share=0.0)

    # when Graph says notifications were missed (lifecycle event)
    await control(
        emulator.url, "POST", f"/subscriptions/{sub['id']}/lifecycle", event="missed"
    )

    # then the room reads its calendar again at once and says why
    await has_booking(api, room_id, "Missed", RECONCILE / 2)
    sync = await room_status(api, room_id, "DEGRADED", 2)
    assert "missed notifications" in sync["problem"]
