"""The door display's layout in real Chromium at panel sizes: what a passer-by
reads from 3 m (status word, time left, room, clock), the next meeting, the
rest of the day, free rooms nearby while the room is taken, book buttons named
by their end; axe-core finds nothing serious. Screenshots of each size go to
test-artifacts/screenshots/display-*.png."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from graphql import parse, validate
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.displays.signage import SIGNAGE, STORE, midday_zone, pair_display
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.servers import serve_in_thread
from transom.api.schema import build_schema
from transom.app import create_app
from transom.db import models
from transom.db.engine import create_engine, create_sessions
from transom.settings import Settings

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
SIZES = [(800, 480), (1280, 800), (1920, 1080), (800, 1280)]
SPAN = r"\d\d:\d\d\u2013\d\d:\d\d"  # 12:00-12:30, with an en dash


@dataclass(frozen=True)
class World:
    url: str
    admin: str
    busy_room: str  # Aurora: a meeting now, another later
    free_room: str  # Zephyr: nothing today
    declined_room: str  # Glacier: a door booking declined, Adele's meeting holds it
    unknown_holder_room: str  # Harbor: a door booking declined, holder not synced


async def _seed(settings: Settings) -> World:
    engine = create_engine(settings.database_url)
    now = datetime.now(UTC)
    try:
        async with create_sessions(engine)() as session:
            tenant = await make_tenant(session)
            # No-shows are released 10 minutes after the start (no releaser
            # runs here: the countdown only counts).
            tenant.settings = {
                "checkInRequired": True,
                "noShowReleaseMinutes": 10,
                "checkInRequiredSince": (now - timedelta(days=1)).isoformat(),
            }
            rooms: dict[str, models.Room] = {}
            for name, building, floor, linked in [
                ("Aurora", "North", "2", True),
                ("Borealis", "North", "2", True),  # same floor, free all day
                ("Cirrus", "North", "5", True),  # three floors up, free ~40 min
                ("Dune", "North", "2", True),  # busy now
                ("Ember", "North", "2", False),  # not linked: unknown
                ("Fjord", "South", "2", True),  # another building
                ("Zephyr", "West", "1", True),
                ("Glacier", "East", "1", True),
                ("Harbor", "East", "1", True),
            ]:
                room = await make_room(session, tenant, name, building=building)
                room.floor = floor
                room.link_state = "VERIFIED" if linked else "UNLINKED"
                room.time_zone = midday_zone(now)
                rooms[name] = room
            aurora = rooms["Aurora"]
            await make_booking(
                session, aurora, now - timedelta(minutes=5), 30, subject="Design review"
            )
            await make_booking(
                session, aurora, now + timedelta(hours=1), 30, subject="Retro"
            )
            await make_booking(
                session, aurora, now + timedelta(hours=2), 60, subject="Hiring panel"
            )
            await make_booking(session, rooms["Cirrus"], now + timedelta(minutes=40))
            await make_booking(session, rooms["Dune"], now - timedelta(minutes=10))
            await make_booking(
                session, rooms["Glacier"], now - timedelta(minutes=3), 50
            )
            for name in ("Glacier", "Harbor"):
                door = await make_booking(session, rooms[name], now, 30)
                door.source, door.state = "DISPLAY", "DECLINED"
                door.decline_reason, door.subject = "conflict", "Booked at the door"
                door.organizer_name = door.organizer_email = None
            # Another tenant's free room in a building of the same name.
            other = await make_tenant(session, "Fabrikam")
            stranger = await make_room(session, other, "Stranger", building="North")
            stranger.floor, stranger.link_state = "2", "VERIFIED"
            admin = await make_token(session, tenant)
            await session.commit()
            return World(
                "",
                admin,
                aurora.id,
                rooms["Zephyr"].id,
                rooms["Glacier"].id,
                rooms["Harbor"].id,
            )
    finally:
        await engine.dispose()


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    seeded = asyncio.run(_seed(settings))
    with serve_in_thread(create_app(settings)) as url:
        yield World(
            url,
            seeded.admin,
            seeded.busy_room,
            seeded.free_room,
            seeded.declined_room,
            seeded.unknown_holder_room,
        )


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def display_of(
    browser: Browser,
    world: World,
    room_id: str,
    size: tuple[int, int],
    clock: datetime | None = None,
) -> Page:
    """A paired display of ``room_id`` (its page's clock at ``clock``, if given)."""
    with GraphQLClient(world.url) as api:
        secret = pair_display(api, world.admin, room_id)
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(15_000)
    if clock is not None:
        page.clock.install(time=clock)
    stored = json.dumps({"secret": secret, "paired": True})
    page.add_init_script(f"localStorage.setItem({STORE!r}, {json.dumps(stored)})")
    page.goto(f"{world.url}/display")
    return page


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def font_px(page: Page, selector: str) -> float:
    return float(
        page.locator(selector).first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
    )


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def inside(page: Page, found: dict[str, float]) -> bool:
    size = page.viewport_size
    assert size is not None
    return (
        found["x"] >= 0
        and found["y"] >= 0
        and found["x"] + found["width"] <= size["width"] + 0.5
        and found["y"] + found["height"] <= size["height"] + 0.5
    )


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_busy_room_reads_from_across_the_corridor(world, browser, size) -> None:
    # given a display of a room with a meeting now and two later today
    page = display_of(browser, world, world.busy_room, size)
    width, height = size
    # when it shows the room
    status = page.get_by_role("status")
    expect(status).to_contain_text("Busy")
    expect(page.locator("#nearby-list li").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"display-{width}x{height}.png"))
    # then the status, the time left and the next meeting are there...
    expect(page.locator("#time-left")).to_have_text(re.compile(r"^Ends in \d+ min$"))
    expect(page.locator("#current-meta")).to_have_text(
        re.compile(rf"^{SPAN} · Adele Vance$")
    )
    expect(page.locator("#next-text")).to_contain_text("Retro")
    expect(page.locator("#current-note")).to_have_text(
        re.compile(r"^Check in within [3-5]:\d\d or the room is released$")
    )
    expect(page.get_by_role("button", name="Check in")).to_be_visible()
    expect(page.locator("#next-text")).to_have_text(re.compile(rf"^{SPAN}"))
    # ...on screen, apart from each other
    parts = [
        "#status-word",
        "#time-left",
        "#next",
        "#current",
        "#room-name",
        ".clock",
        "#actions",
    ]
    boxes = {p: box(page, p) for p in parts}
    for name, found in boxes.items():
        assert inside(page, found), f"{name} leaves the screen at {size}: {found}"
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            assert not overlap(boxes[a], boxes[b]), f"{a} overlaps {b} at {size}"
    # ...and large: the status word a tenth of the height, the rest legible
    assert font_px(page, "#status-word") >= 0.1 * height
    assert font_px(page, "#time-left") >= max(22, 0.045 * min(size))
    assert font_px(page, "#room-name") >= max(26, 0.05 * min(size))
    assert font_px(page, ".clock") >= max(26, 0.05 * min(size))
    for day_text in ["#next-text", "#agenda li", "#nearby-list li"]:
        assert font_px(page, day_text) >= max(16, 0.035 * min(size)), day_text
    # and nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("size", [(800, 480), (1280, 800)], ids=["800x480", "1280x800"])
def test_a_declined_door_booking_names_who_holds_the_room(world, browser, size) -> None:
    # given a room whose door booking Exchange declined: Adele's meeting holds it
    page = display_of(browser, world, world.declined_room, size)
    # when the display shows it
    holder = page.locator("#declined-holder")
    # then it says so, names her and her meeting's end, and offers no booking
    expect(page.locator("#declined-title")).to_have_text(
        "Declined by Exchange: conflict"
    )
    expect(holder).to_have_text(re.compile(r"^Held by Adele Vance until \d\d:\d\d$"))
    expect(page.get_by_role("status")).to_contain_text("Busy")
    expect(page.get_by_role("button", name=re.compile("^Until"))).to_have_count(0)
    width, height = size
    page.screenshot(path=str(SCREENSHOTS / f"display-declined-{width}x{height}.png"))
    for part in ["#status-word", "#time-left", "#declined", "#next", "#actions"]:
        assert inside(page, box(page, part)), f"{part} leaves the screen at {size}"


def test_a_declined_booking_whose_holder_is_not_synced_yet_stays_taken(
    world, browser
) -> None:
    # given a room whose door booking Exchange declined, the holder unknown yet
    page = display_of(browser, world, world.unknown_holder_room, (1280, 800))
    # then it is not shown free, nor is the slot offered again
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"Busy\s*Taken in Exchange")
    )
    expect(page.locator("#declined-holder")).to_have_text(
        "Someone else holds the room in Exchange. Checking who…"
    )
    expect(page.get_by_role("button", name=re.compile("^Until"))).to_have_count(0)


def test_free_rooms_nearby_are_this_tenants_same_building_nearest_first(
    world, browser
) -> None:
    # given a display of a busy room
    page = display_of(browser, world, world.busy_room, (1280, 800))
    # when it lists free rooms nearby
    names = page.locator("#nearby-list .nearby-name")
    expect(names.first).to_be_visible()
    # then the same floor comes first, then three floors up; busy, unlinked,
    # other buildings' and other tenants' rooms are left out
    expect(names).to_have_text(["Borealis", "Cirrus"])
    details = page.locator("#nearby-list .nearby-detail")
    expect(details.nth(0)).to_have_text("free all day · this floor · 8 seats")
    expect(details.nth(1)).to_have_text(
        re.compile(r"^free for (39|40) min · floor 5 · 8 seats$")
    )


def test_a_free_room_offers_books_named_by_their_end_and_they_hold_still(
    world, browser
) -> None:
    # given a display of a room free all day, a minute after a quarter hour
    now = datetime.now(UTC)
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    clock = quarter + timedelta(minutes=1)
    page = display_of(browser, world, world.free_room, (1280, 800), clock=clock)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Free")
    expect(page.locator("#time-left")).to_have_text("Free for the rest of the day")
    expect(page.locator("#next-text")).to_have_text("Nothing more today")
    buttons = page.locator("#actions button")
    expect(buttons).to_have_count(3)
    labels = buttons.all_inner_texts()
    page.screenshot(path=str(SCREENSHOTS / "display-free-1280x800.png"))
    # when ten minutes pass while someone stands there
    page.clock.run_for(10 * 60 * 1000)
    # then the buttons still say the same quarter hours
    assert buttons.all_inner_texts() == labels
    ends = [_minute_of_day(label) for label in labels]
    assert all(end % 15 == 0 for end in ends)
    assert [(b - a) % (24 * 60) for a, b in itertools.pairwise(ends)] == [30, 30]
    expect(page.locator("#nearby")).to_be_hidden()


def test_the_display_has_no_serious_accessibility_violations(world, browser) -> None:
    # given
    page = display_of(browser, world, world.busy_room, (1280, 800))
    expect(page.locator("#nearby-list li").first).to_be_visible()
    # when
    results = Axe().run(page)
    # then
    serious = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert serious == []


@pytest.mark.parametrize("language", ["DA", "DE"])
def test_every_new_word_is_translated(world, browser, language) -> None:
    # given a display in Danish or German
    set_language = """
    mutation ($id: ID!, $language: DisplayLanguage) {
      setDisplayLanguage(id: $id, language: $language) { userErrors { code } }
    }"""
    page = display_of(browser, world, world.busy_room, (1280, 800))
    expect(page.get_by_role("status")).to_contain_text("Busy")
    display_id = page.evaluate(
        f"JSON.parse(localStorage.getItem({STORE!r})).home.thisDisplay.id"
    )
    with GraphQLClient(world.url, world.admin) as api:
        api.data(set_language, {"id": display_id, "language": language})
    # when it reloads
    page.reload()
    # then none of the new lines is left in English
    expect(page.get_by_role("status")).not_to_contain_text("Busy")
    for selector in ["#time-left", "#nearby-title", "#current-label", "#next-label"]:
        text = page.locator(selector).inner_text()
        assert not re.search(r"Ends in|Free rooms|^Now$|^Next$", text), text
    detail = page.locator("#nearby-list .nearby-detail").first.inner_text()
    assert "free" not in detail
    assert "seats" not in detail


def _minute_of_day(label: str) -> int:
    hours, minutes = re.fullmatch(r"Until (\d\d):(\d\d)", label).groups()
    return int(hours) * 60 + int(minutes)


def test_every_display_operation_is_valid_against_the_schema() -> None:
    schema = build_schema()._schema
    for path in sorted(SIGNAGE.glob("*.graphql")):
        errors = validate(schema, parse(path.read_text()))
        assert errors == [], f"{path.name}: {[e.message for e in errors]}"
