"""The door display says, discreetly, when its calendar may be out of date."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from playwright.async_api import expect

from tests.displays.live_world import LiveWorld, display_page, live_world
from tests.emulated_tenant import system_clock
from tests.emulator.core_directory import ADELE, ROOM1
from tests.emulator.graph_clients import graph_client
from tests.sync.outlook import book

pytestmark = [pytest.mark.browser, pytest.mark.anyio]
__all__ = ["live_world"]
RECONCILE = 3.0  # seconds: an hour in production


@pytest.fixture
def live_reconcile_seconds() -> float:
    return RECONCILE


def hour(offset: int):
    start = system_clock().replace(minute=0, second=0, microsecond=0)
    return start + timedelta(hours=offset)


async def drop_notifications(world: LiveWorld, share: float) -> None:
    async with httpx.AsyncClient(base_url=world.emulator_url) as http:
        response = await http.post(
            "/_emulator/notifications/drop", json={"share": share}
        )
    response.raise_for_status()


async def test_the_display_says_when_its_calendar_may_be_out_of_date(
    live_world: LiveWorld,
) -> None:
    async with display_page(live_world) as page:
        stale = page.locator("#stale")
        await expect(stale).to_be_hidden()
        # when Graph loses every notification and a meeting is made in Outlook
        await drop_notifications(live_world, 1.0)
        async with graph_client(live_world.emulator_url) as outlook:
            await book(outlook, ADELE, "Unannounced", hour(3), hour(4), (ROOM1,))
        # then reconciliation brings it, and the display says its data may be stale
        agenda = page.locator("#agenda li")
        await expect(agenda).to_have_count(1, timeout=20_000)
        await expect(stale).to_contain_text(
            "Calendar may be out of date (since", timeout=20_000
        )
        # when notifications arrive again
        await drop_notifications(live_world, 0.0)
        async with graph_client(live_world.emulator_url) as outlook:
            await book(outlook, ADELE, "Announced", hour(5), hour(6), (ROOM1,))
        # then the line goes away
        await expect(agenda).to_have_count(2, timeout=10_000)
        await expect(stale).to_be_hidden(timeout=10_000)
