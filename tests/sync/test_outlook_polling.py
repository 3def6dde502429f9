"""Without notifications Transom still follows Outlook, by polling delta."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.emulator.graph_clients import graph_client
from tests.sync.harness import control, eventually
from tests.sync.outlook import book, cancel, move
from tests.sync.test_outlook_notifications import ADELE, AURORA, linked_room, tomorrow

pytestmark = pytest.mark.anyio

SYNC_LOG = """
query ($id: ID!) { tenantSyncStatus(tenantId: $id) { mode log { level message hint } } }"""


async def follows_outlook(api, emulator, room_id: str) -> None:
    start = tomorrow(9)
    async with graph_client(emulator.url) as outlook:
        event = await book(
            outlook, ADELE, "Polled", start, start + timedelta(hours=1), (AURORA,)
        )

        async def state_of_first(wanted: str):
            found = await api.bookings(room_id)
            return found if found and found[0]["state"] == wanted else None

        [booking] = await eventually(
            lambda: state_of_first("CONFIRMED"), 2.0, "created"
        )
        assert booking["subject"] == "Polled"

        later = start + timedelta(hours=2)
        await move(outlook, ADELE, event.id, later, later + timedelta(hours=1))

        async def moved():
            found = await api.bookings(room_id)
            hour = later.strftime("%Y-%m-%dT%H")
            return found if found and found[0]["start"].startswith(hour) else None

        await eventually(moved, 2.0, "moved")

        await cancel(outlook, ADELE, event.id)
        await eventually(lambda: state_of_first("CANCELLED"), 2.0, "cancelled")


class TestNotificationsDropped:
    @pytest.fixture
    def reconcile_seconds(self) -> float:
        return 0.5

    async def test_changes_arrive_by_the_reconciliation_rounds(self, api, emulator):
        # given
        room_id = await linked_room(api)
        await control(emulator.url, "POST", "/notifications/drop", share=1.0)

        # when / then
        await follows_outlook(api, emulator, room_id)
        room = await api.room(room_id)
        assert room["sync"]["mode"] == "NOTIFICATIONS"


class TestNoPublicUrl:
    @pytest.fixture
    def public(self) -> bool:
        return False

    @pytest.fixture
    def poll_seconds(self) -> float:
        return 0.2

    async def test_polling_is_used_and_said_in_the_tenant_status(self, api, emulator):
        # given
        room_id = await linked_room(api)

        # when / then
        await follows_outlook(api, emulator, room_id)
        status = (await api.data(SYNC_LOG, id=api.tenant_id))["tenantSyncStatus"]
        assert status["mode"] == "POLLING"
        assert "polling for changes every 0.2 s" in status["log"][0]["message"]
        assert "TRANSOM_PUBLIC_URL" in status["log"][0]["hint"]
        assert (await control(emulator.url, "GET", "/subscriptions"))["value"] == []


class TestUnreachablePublicUrl:
    @pytest.fixture
    def poll_seconds(self) -> float:
        return 0.2

    @pytest.fixture
    def sync_config(self, database_url, tmp_path, emulator, poll_seconds):
        from tests.servers import free_port
        from tests.sync.harness import sync_settings

        return sync_settings(
            database_url,
            tmp_path,
            emulator_url=emulator.url,
            public_url=f"http://127.0.0.1:{free_port()}",  # nobody listens
            poll_seconds=poll_seconds,
        )

    async def test_failed_validation_falls_back_to_polling(self, api, emulator):
        # given
        room_id = await linked_room(api)

        # when / then
        await follows_outlook(api, emulator, room_id)
        room = await api.room(room_id)
        assert room["sync"]["mode"] == "POLLING"
        status = (await api.data(SYNC_LOG, id=api.tenant_id))["tenantSyncStatus"]
        assert "Graph cannot deliver notifications" in status["log"][0]["message"]
