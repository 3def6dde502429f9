"""A door display in Chromium against a Transom that syncs with the emulator.

``live_world``: the emulator (core directory: Adele, Room 1 …) and Transom with
its sync engine on (mailbox loops with change notifications, the outbox worker,
the no-show releaser), all publishing on the app's own bus, so whatever
reaches Transom reaches the display live. Room 1 is linked and in sync before
the test starts; its day is centred on now (a fixed zone where it is noon).

``display_page(world)``: Chromium showing a display paired to Room 1.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import anyio
import pytest
from playwright.async_api import Page, async_playwright
from playwright.async_api import expect as async_expect

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.displays.signage import STORE, midday_zone, pair_room_display
from tests.emulated_tenant import run_seed, serve_transom, system_clock
from tests.emulator.core_directory import core_app
from tests.graphql_client import GraphQLClient
from tests.servers import free_port, serve_in_thread
from tests.sync.harness import sync_settings
from tests.sync.outbox_harness import seed_contoso
from transom.db import models
from transom.db.engine import Sessions, create_engine, create_sessions
from transom.settings import Settings

SETTINGS = """
mutation ($tenantId: ID!, $input: TenantSettingsInput!) {
  updateTenantSettings(tenantId: $tenantId, input: $input) { settings { checkInRequired } }
}
"""
ROOM_SYNC = """
query ($id: ID!) { room(id: $id) { sync { status } } }
"""


@dataclass
class LiveWorld:
    url: str
    emulator_url: str
    api: GraphQLClient
    tenant_id: str
    room_id: str
    settings: Settings

    def require_check_in(self, minutes: int) -> None:
        variables = {
            "tenantId": self.tenant_id,
            "input": {"checkInRequired": True, "noShowReleaseMinutes": minutes},
        }
        self.api.data(SETTINGS, variables)

    async def check_in_required_since(self, moment: datetime) -> None:
        """Move when check-in became required (as if saved at ``moment``)."""
        engine = create_engine(self.settings.database_url)
        try:
            async with create_sessions(engine)() as session:
                tenant = await session.get(models.Tenant, self.tenant_id)
                assert tenant is not None
                stored = dict(tenant.settings or {})
                stored["checkInRequiredSince"] = moment.isoformat()
                tenant.settings = stored
                await session.commit()
        finally:
            await engine.dispose()

    async def in_sync(self) -> None:
        with anyio.fail_after(20):
            while True:
                room = self.api.data(ROOM_SYNC, {"id": self.room_id})["room"]
                if (room["sync"] or {}).get("status") == "IN_SYNC":
                    return
                await anyio.sleep(0.1)


async def _seed(sessions: Sessions, settings: Settings) -> tuple[str, str, str]:
    tenant_id, room_id, _, token = await seed_contoso(sessions, settings)
    async with sessions() as session:
        room = await session.get(models.Room, room_id)
        assert room is not None
        room.time_zone = midday_zone(system_clock())
        await session.commit()
    return tenant_id, room_id, token


@pytest.fixture
def live_world(
    database_url: str, tmp_path: Path, live_reconcile_seconds: float
) -> Iterator[LiveWorld]:
    emulator = core_app()
    with serve_in_thread(emulator) as emulator_url:
        port = free_port()
        settings = sync_settings(
            database_url,
            tmp_path,
            emulator_url=emulator_url,
            public_url=f"http://127.0.0.1:{port}",
            reconcile_seconds=live_reconcile_seconds,
        )
        tenant_id, room_id, token = run_seed(settings, _seed)
        with serve_transom(settings, token, port=port) as api:
            yield LiveWorld(
                api.base_url, emulator_url, api, tenant_id, room_id, settings
            )


@asynccontextmanager
async def display_page(world: LiveWorld) -> AsyncIterator[Page]:
    """Chromium showing a display of Room 1, already paired (pairing itself is
    tested in test_display_page.py; here it would only cost a pairing poll)."""
    await world.in_sync()
    secret = pair_room_display(world.api, world.room_id)
    stored = json.dumps({"secret": secret, "paired": True})
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(15_000)
            await page.add_init_script(
                f"localStorage.getItem({STORE!r}) ?? "
                f"localStorage.setItem({STORE!r}, {json.dumps(stored)})"
            )
            await page.goto(f"{world.url}/display")
            await async_expect(
                page.get_by_role("heading", name="Room 1")
            ).to_be_visible()
            # Set after the page settled: still there at the end = never reloaded.
            await page.evaluate("window.notReloaded = true")
            yield page
        finally:
            await browser.close()


async def never_reloaded(page: Page) -> bool:
    return bool(await page.evaluate("window.notReloaded === true"))
