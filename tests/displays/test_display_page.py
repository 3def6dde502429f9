"""The door display page in real Chromium against a real Transom."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import async_playwright
from playwright.async_api import expect as async_expect
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright
from sqlalchemy import select

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.displays.signage import PAIR, STORE, midday_zone, operation
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.servers import serve_in_thread
from tests.sync.outbox_harness import running_worker
from tests.sync.outbox_harness import world as world_with_exchange
from transom.app import create_app
from transom.db import models
from transom.db.engine import create_engine, create_sessions
from transom.settings import Settings

pytestmark = pytest.mark.browser
__all__ = ["world_with_exchange"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The booking test's outbox worker runs beside the server on a bus of its
    own, as a process not sharing the server's bus would: the server hears
    nothing of its changes and trusts the room it holds for half a live
    re-check interval (``RoomSnapshots.reuse_for``), compressed here."""
    return dataclasses.replace(settings, live_recheck_seconds=1.0)


@dataclass(frozen=True)
class World:
    url: str
    admin: str
    room_id: str
    other_room_id: str


async def _seed(settings: Settings) -> tuple[str, str, str]:
    engine = create_engine(settings.database_url)
    now = datetime.now(UTC)
    try:
        async with create_sessions(engine)() as session:
            tenant = await make_tenant(session)
            room = await make_room(session, tenant, "Aurora")
            room.time_zone = midday_zone(now)  # "today" lasts hours either side
            other = await make_room(session, tenant, "Borealis")
            await make_booking(
                session, room, now - timedelta(minutes=5), 30, subject="Design review"
            )
            await make_booking(
                session, room, now + timedelta(hours=1), 30, subject="Retro"
            )
            admin = await make_token(session, tenant)
            await session.commit()
            return admin, room.id, other.id
    finally:
        await engine.dispose()


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    admin, room_id, other_id = asyncio.run(_seed(settings))
    with serve_in_thread(create_app(settings)) as url:
        yield World(url, admin, room_id, other_id)


@pytest.fixture
def browser_context() -> Iterator[BrowserContext]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 800, "height": 480})
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            browser.close()


def paired_page(context: BrowserContext, world: World) -> Page:
    page = context.new_page()
    page.goto(f"{world.url}/display")
    code = page.get_by_label("Pairing code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{3} [A-Z0-9]{3}$"))
    with GraphQLClient(world.url, world.admin) as api:
        api.data(PAIR, {"code": code.inner_text(), "roomId": world.room_id})
    expect(page.get_by_role("heading", name="Aurora")).to_be_visible()
    return page


def test_a_new_display_pairs_and_shows_its_rooms_status(world, browser_context) -> None:
    # given / when
    page = paired_page(browser_context, world)
    # then
    status = page.get_by_role("status")
    expect(status).to_contain_text("Busy")
    expect(status).to_contain_text(re.compile(r"Ends in \d+ min"))
    expect(page.get_by_text("Design review", exact=True)).to_be_visible()
    page.screenshot(path="/tmp/mine/display.png")
    expect(page.get_by_role("list", name="Today")).to_contain_text("Retro")


def test_the_offline_marker_appears_and_clears(world, browser_context) -> None:
    # given
    page = paired_page(browser_context, world)
    # when
    browser_context.set_offline(True)
    # then the schedule stays and the marker says since when
    expect(page.get_by_text(re.compile(r"Offline since \d\d:\d\d"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Busy")
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Busy")
    # and when the network returns, it reconnects and clears the marker
    browser_context.set_offline(False)
    expect(page.get_by_text(re.compile("Offline since"))).to_be_hidden(timeout=30_000)


def test_the_display_cannot_read_another_room(world, browser_context) -> None:
    # given
    page = paired_page(browser_context, world)
    token = page.evaluate(f"JSON.parse(localStorage.getItem('{STORE}')).secret")
    # when
    response = httpx.post(
        f"{world.url}/graphql",
        json={
            "query": operation("RoomDay"),
            "variables": {"roomId": world.other_room_id},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    # then
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_the_page_fits_portrait_and_full_hd(world, browser_context) -> None:
    # given
    page = paired_page(browser_context, world)
    for width, height in [(480, 800), (1920, 1080)]:
        # when
        page.set_viewport_size({"width": width, "height": height})
        # then nothing scrolls sideways and the status word is on screen
        overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
        assert overflow is False
        expect(page.get_by_role("status")).to_be_in_viewport()


@pytest.mark.anyio
async def test_book_now_at_the_door_turns_the_display_busy(world_with_exchange) -> None:
    # given a display of a room linked to Exchange
    world = world_with_exchange
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            await page.goto(f"{world.api.base_url}/display")
            code = page.get_by_label("Pairing code")
            await async_expect(code).to_have_text(
                re.compile(r"^[A-Z0-9]{3} [A-Z0-9]{3}$")
            )
            variables = {"code": await code.inner_text(), "roomId": world.room_id}
            world.api.data(PAIR, variables)
            status = page.get_by_role("status")
            await async_expect(status).to_contain_text("Free")
            # when someone books until the half hour after next at the door
            until = re.compile(r"^Until \d\d:\d\d$")
            await page.get_by_role("button", name=until).nth(1).click()
            # then it is busy at once, honestly pending until Exchange answers
            await async_expect(status).to_contain_text("Busy")
            pending = page.get_by_text("Waiting for Exchange…")
            await async_expect(pending.first).to_be_visible()
            async with running_worker(world):
                (booking,) = await _bookings(world)
                await world.state_becomes(booking.id, "CONFIRMED")
            await page.reload()
            # the current meeting (the agenda lists it too, with or without its
            # organizer's name depending on how far the sync got)
            current = page.locator("#current-subject")
            await async_expect(current).to_have_text("Booked at the door")
            await async_expect(pending).to_have_count(0)
        finally:
            await browser.close()


async def _bookings(world):
    async with world.sessions() as session:
        return list((await session.scalars(select(models.Booking))).all())
