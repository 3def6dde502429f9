"""The lobby display page in real Chromium against a real Transom: pairing to a
building, a meeting made in Outlook reaching a room's tile live, the token
refused for another building, 40 rooms legible on one screen (more are paged),
offline tolerance, languages, axe-core."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe as AsyncAxe
from axe_playwright_python.sync_playwright import Axe
from playwright.async_api import Page as AsyncPage
from playwright.async_api import async_playwright
from playwright.async_api import expect as async_expect
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.displays.live_world import LiveWorld, live_world
from tests.displays.lobby import LOBBY_STORE, PAIR_LOBBY
from tests.displays.signage import PAIR, midday_zone, operation
from tests.emulated_tenant import system_clock
from tests.emulator.core_directory import ADELE, ROOM1
from tests.emulator.graph_clients import graph_client
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.servers import serve_in_thread
from tests.sync.outlook import book
from transom.app import create_app
from transom.db.engine import create_engine, create_sessions
from transom.settings import Settings

pytestmark = pytest.mark.browser
__all__ = ["live_world"]
SCREENSHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
LIVE = 15_000  # ms: the sync brings Outlook's meeting in a second or two
CODE = re.compile(r"^[A-Z0-9]{3} [A-Z0-9]{3}$")
PLACE = (
    "mutation P($id: ID!, $b: String!, $f: String!) "
    "{ updateRoom(id: $id, input: {building: $b, floor: $f}) { room { id } } }"
)
ROOMS = "{ rooms { id name } }"
LANGUAGE = (
    "mutation L($id: ID!) { setDisplayLanguage(id: $id, language: DA) "
    "{ display { id } } }"
)


def serious_violations(results: dict) -> list[str]:
    return [
        f"{v['id']}: {v['help']}"
        for v in results["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def tile_of(page, name: str):
    return page.get_by_role("article", name=name)


# ---- live, against the emulator's Outlook ---------------------------------------


def _place_rooms(world: LiveWorld) -> None:
    """Room 1 (linked) and Room 2 in HQ; a third room, Annex, elsewhere."""
    rooms = {r["name"]: r["id"] for r in world.api.data(ROOMS)["rooms"]}
    world.api.data(PLACE, {"id": rooms["Room 1"], "b": "HQ", "f": "1"})
    world.api.data(PLACE, {"id": rooms["Room 2"], "b": "HQ", "f": "2"})
    create = (
        'mutation { createRoom(input: {name: "Annex Hall", building: "Annex", '
        'floor: "1"}) { room { id } } }'
    )
    world.api.data(create)


async def _paired_lobby(page: AsyncPage, world: LiveWorld) -> str:
    """Pairs the page's code to HQ as an admin does; the device token."""
    await page.goto(f"{world.url}/lobby")
    code = page.get_by_label("Pairing code")
    await async_expect(code).to_have_text(CODE)
    variables = {"code": await code.inner_text(), "building": "HQ"}
    world.api.data(PAIR_LOBBY, variables)
    await async_expect(
        page.get_by_role("heading", name="HQ", exact=True)
    ).to_be_visible()
    secret = await page.evaluate(
        f"JSON.parse(localStorage.getItem('{LOBBY_STORE}')).secret"
    )
    return str(secret)


def _minute(offset: int) -> datetime:
    return system_clock().replace(second=0, microsecond=0) + timedelta(minutes=offset)


@pytest.mark.anyio
async def test_a_meeting_made_in_outlook_turns_its_tile_busy_without_a_reload(
    live_world: LiveWorld,
) -> None:
    # given a lobby display paired to HQ, its two rooms free
    world = live_world
    _place_rooms(world)
    await world.in_sync()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            page.set_default_timeout(15_000)
            token = await _paired_lobby(page, world)
            room1, room2 = tile_of(page, "Room 1"), tile_of(page, "Room 2")
            await async_expect(room1).to_contain_text("Free")
            await async_expect(room2).to_contain_text("Free")
            await async_expect(tile_of(page, "Annex Hall")).to_have_count(0)
            await page.evaluate("window.notReloaded = true")
            # when Adele books Room 1 in Outlook for now
            async with graph_client(world.emulator_url) as outlook:
                await book(
                    outlook, ADELE, "Budget review", _minute(-1), _minute(30), (ROOM1,)
                )
            # then its tile turns busy with her meeting, live; Room 2 stays free
            await async_expect(room1).to_contain_text("Busy", timeout=LIVE)
            await async_expect(room1).to_contain_text(re.compile(r"until \d\d:\d\d"))
            await async_expect(room1).to_contain_text("Budget review")
            await async_expect(room2).to_contain_text("Free")
            assert await page.evaluate("window.notReloaded === true")
            results = await AsyncAxe().run(page)
            assert serious_violations(results.response) == []
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / "lobby-1920x1080.png"))
            await page.set_viewport_size({"width": 1280, "height": 800})
            await async_expect(room1).to_be_in_viewport()
            await page.screenshot(path=str(SCREENSHOTS / "lobby-1280x800.png"))
        finally:
            await browser.close()
    # and its token is refused for another building
    variables = {"building": "Annex"}
    refused = world.api.post(operation("BuildingDay"), variables, token=token)
    assert refused["data"]["buildingDay"] is None
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# ---- many rooms, offline, languages (no sync needed) ----------------------------


@dataclass(frozen=True)
class Tower:
    url: str
    admin: str


async def _seed_tower(settings: Settings) -> str:
    """Tower: 40 rooms on floors 1..5, one busy; Mega: 45 rooms; an admin."""
    engine = create_engine(settings.database_url)
    now = datetime.now(UTC)
    try:
        async with create_sessions(engine)() as session:
            tenant = await make_tenant(session)
            for number in range(40):
                room = await make_room(
                    session, tenant, f"Tower {number + 1:02d}", building="Tower"
                )
                room.floor = str(number // 8 + 1)
                room.time_zone = midday_zone(now)
                if number == 0:
                    await make_booking(
                        session, room, now - timedelta(minutes=5), 60, subject="Offsite"
                    )
            for number in range(45):
                await make_room(
                    session, tenant, f"Mega {number + 1:02d}", building="Mega"
                )
            admin = await make_token(session, tenant)
            await session.commit()
            return admin
    finally:
        await engine.dispose()


@pytest.fixture
def tower(settings: Settings) -> Iterator[Tower]:
    admin = asyncio.run(_seed_tower(settings))
    with serve_in_thread(create_app(settings)) as url:
        yield Tower(url, admin)


@pytest.fixture
def browser_context() -> Iterator[BrowserContext]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            browser.close()


def lobby_page(
    context: BrowserContext, tower: Tower, building: str
) -> tuple[Page, dict]:
    page = context.new_page()
    page.goto(f"{tower.url}/lobby")
    code = page.get_by_label("Pairing code")
    expect(code).to_have_text(CODE)
    variables = {"code": code.inner_text(), "building": building}
    response = httpx.post(
        f"{tower.url}/graphql",
        json={"query": PAIR_LOBBY, "variables": variables},
        headers={"Authorization": f"Bearer {tower.admin}"},
        timeout=30,
    ).json()
    display = response["data"]["pairLobbyDisplay"]["display"]
    expect(page.get_by_role("heading", name=building, exact=True)).to_be_visible()
    return page, display


def test_forty_rooms_fit_one_screen_legibly(tower, browser_context) -> None:
    # given / when
    page, _ = lobby_page(browser_context, tower, "Tower")
    tiles = page.get_by_role("article")
    # then every room is on screen at once, its name and status large enough
    expect(tiles).to_have_count(40)
    expect(tile_of(page, "Tower 01")).to_contain_text("Busy")
    expect(tile_of(page, "Tower 01")).to_contain_text("Offsite")
    expect(tile_of(page, "Tower 40")).to_contain_text("Free")
    expect(tile_of(page, "Tower 40")).to_be_in_viewport(ratio=1)
    expect(page.get_by_text(re.compile("Page 1 of"))).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lobby-40-rooms-1920x1080.png"))
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.tile')].map((tile) => [
          parseFloat(getComputedStyle(tile.querySelector('h2')).fontSize),
          parseFloat(getComputedStyle(tile.querySelector('.state')).fontSize)])"""
    )
    # on a 55-inch 1080p screen a pixel is 0.63 mm: 26 px names are 16 mm and
    # 36 px states 23 mm high, legible from 5 m
    assert min(name for name, _ in sizes) >= 26
    assert min(state for _, state in sizes) >= 36
    assert page.evaluate("document.documentElement.scrollWidth > innerWidth") is False
    assert serious_violations(Axe().run(page).response) == []


def test_more_than_forty_rooms_are_paged(tower, browser_context) -> None:
    # given / when
    page, _ = lobby_page(browser_context, tower, "Mega")
    # then two pages of 23 and 22, the first shown with its number
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    expect(page.get_by_role("article")).to_have_count(23)
    expect(tile_of(page, "Mega 01")).to_be_visible()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("article")).to_have_count(22)
    expect(tile_of(page, "Mega 45")).to_be_visible()


def test_offline_it_keeps_the_building_and_says_since_when(
    tower, browser_context
) -> None:
    # given
    page, _ = lobby_page(browser_context, tower, "Tower")
    expect(tile_of(page, "Tower 01")).to_contain_text("Busy")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    # when the network goes, even across a reload
    browser_context.set_offline(True)
    expect(page.get_by_text(re.compile(r"Offline since \d\d:\d\d"))).to_be_visible()
    page.reload()
    # then the rooms stay, the status still computed from the cached day
    expect(tile_of(page, "Tower 01")).to_contain_text("Busy")
    expect(page.get_by_text(re.compile(r"Offline since \d\d:\d\d"))).to_be_visible()
    # and when it returns, the display reconnects and clears the marker
    browser_context.set_offline(False)
    expect(page.get_by_text(re.compile("Offline since"))).to_be_hidden(timeout=30_000)


def test_it_speaks_the_displays_language(tower, browser_context) -> None:
    # given a lobby display set to Danish
    page, display = lobby_page(browser_context, tower, "Tower")
    httpx.post(
        f"{tower.url}/graphql",
        json={"query": LANGUAGE, "variables": {"id": display["id"]}},
        headers={"Authorization": f"Bearer {tower.admin}"},
        timeout=30,
    )
    # when it reconnects
    page.reload()
    # then
    expect(tile_of(page, "Tower 01")).to_contain_text("Optaget")
    expect(tile_of(page, "Tower 40")).to_contain_text("Ledigt")
    assert page.evaluate("document.documentElement.lang") == "da"


def test_a_door_display_page_paired_to_a_building_turns_into_the_lobby(
    tower, browser_context
) -> None:
    # given the door display page showing its code
    page = browser_context.new_page()
    page.goto(f"{tower.url}/display")
    code = page.get_by_label("Pairing code")
    expect(code).to_have_text(CODE)
    # when an admin pairs that code to a building
    variables = {"code": code.inner_text(), "building": "Tower"}
    httpx.post(
        f"{tower.url}/graphql",
        json={"query": PAIR_LOBBY, "variables": variables},
        headers={"Authorization": f"Bearer {tower.admin}"},
        timeout=30,
    )
    # then the page becomes the building's lobby display
    expect(page.get_by_role("heading", name="Tower", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/lobby$"))
    expect(tile_of(page, "Tower 01")).to_contain_text("Busy")


def test_a_lobby_page_paired_to_a_room_turns_into_its_door_display(
    tower, browser_context
) -> None:
    # given the lobby page showing its code
    page = browser_context.new_page()
    page.goto(f"{tower.url}/lobby")
    code = page.get_by_label("Pairing code")
    expect(code).to_have_text(CODE)
    rooms = httpx.post(
        f"{tower.url}/graphql",
        json={"query": '{ rooms(building: "Tower") { id name } }'},
        headers={"Authorization": f"Bearer {tower.admin}"},
        timeout=30,
    ).json()["data"]["rooms"]
    room_id = next(r["id"] for r in rooms if r["name"] == "Tower 01")
    # when an admin pairs that code to one room
    httpx.post(
        f"{tower.url}/graphql",
        json={
            "query": PAIR,
            "variables": {"code": code.inner_text(), "roomId": room_id},
        },
        headers={"Authorization": f"Bearer {tower.admin}"},
        timeout=30,
    )
    # then the page becomes that room's door display
    expect(page.get_by_role("heading", name="Tower 01")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/display$"))
    expect(page.get_by_role("status")).to_contain_text("Busy")
