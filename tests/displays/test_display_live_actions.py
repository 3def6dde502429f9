"""The door display in real Chromium, live: Outlook, Exchange's answers, extend,
no-show release. Nothing here reloads the page: every change arrives through
the display's subscription."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from tests.displays.live_world import (
    LiveWorld,
    display_page,
    live_world,
    never_reloaded,
)
from tests.displays.signage import STORE
from tests.emulated_tenant import system_clock
from tests.emulator.core_directory import ADELE, ROOM1
from tests.emulator.core_events import meeting
from tests.emulator.graph_clients import graph_client
from tests.sync.outlook import book, stamp

pytestmark = [pytest.mark.browser, pytest.mark.anyio]
LIVE = 15_000  # ms: Exchange's answers and the sync arrive in a second or two
UNTIL = re.compile(r"^Until \d\d:\d\d$")  # the book buttons, named by their end
SCREENSHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
__all__ = ["live_world"]


def minute(offset: int):
    return system_clock().replace(second=0, microsecond=0) + timedelta(minutes=offset)


async def test_a_meeting_made_in_outlook_appears_on_the_display(
    live_world: LiveWorld,
) -> None:
    # given a display of a free room
    async with display_page(live_world) as page:
        status = page.get_by_role("status")
        await expect(status).to_contain_text("Free")
        # when Adele books the room in Outlook for now
        async with graph_client(live_world.emulator_url) as outlook:
            await book(
                outlook, ADELE, "Budget review", minute(-1), minute(30), (ROOM1,)
            )
        # then the display turns busy with her meeting, without a reload
        await expect(status).to_contain_text("Busy", timeout=LIVE)
        await expect(page.get_by_text("Adele Vance").first).to_be_visible()
        assert await never_reloaded(page)


async def test_a_booking_exchange_declines_says_so_on_the_display(
    live_world: LiveWorld,
) -> None:
    async with display_page(live_world) as page:
        # given the room taken in Exchange by an event Transom has not heard of
        async with graph_client(live_world.emulator_url) as exchange:
            await _drop_notifications(live_world)
            walk_in = meeting("Walk-in", stamp(minute(-5)), stamp(minute(90)))
            await exchange.users.by_user_id(ROOM1).events.post(walk_in)
        await expect(page.get_by_role("status")).to_contain_text("Free")
        # when someone books it at the door
        await page.get_by_role("button", name=UNTIL).nth(1).click()
        # then the display says Exchange declined, and why
        note = page.get_by_text(re.compile(r"Declined by Exchange: conflict"))
        await expect(note.first).to_be_visible(timeout=LIVE)
        # and, once the room is read again, what holds it and until when
        holder = page.locator("#declined-holder")
        await expect(holder).to_have_text(
            re.compile(r"^Taken for “Walk-in” until \d\d:\d\d$"), timeout=LIVE
        )
        await expect(page.get_by_role("status")).to_contain_text("Busy")
        await expect(page.get_by_role("button", name=UNTIL)).to_have_count(0)
        assert await never_reloaded(page)


async def test_a_declined_booking_names_who_holds_the_room(
    live_world: LiveWorld,
) -> None:
    async with display_page(live_world) as page:
        # given Adele's meeting booked in Outlook, which Transom has not heard of
        async with graph_client(live_world.emulator_url) as outlook:
            await _drop_notifications(live_world)
            await book(
                outlook, ADELE, "Budget review", minute(-2), minute(75), (ROOM1,)
            )
        status = page.get_by_role("status")
        await expect(status).to_contain_text("Free")
        # when someone books it at the door
        await page.get_by_role("button", name=UNTIL).first.click()
        # then the display names her and her meeting's end, stays busy and
        # no longer offers the slot
        holder = page.locator("#declined-holder")
        end = minute(75).astimezone(ZoneInfo(await _room_zone(page)))
        await expect(holder).to_have_text(
            f"Held by Adele Vance until {end:%H:%M}", timeout=LIVE
        )
        await expect(status).to_contain_text("Busy")
        await expect(page.get_by_role("button", name=UNTIL)).to_have_count(0)
        await page.screenshot(path=str(SCREENSHOTS / "display-declined-1280x800.png"))
        assert await never_reloaded(page)


async def test_extend_at_the_door_shows_the_new_end(live_world: LiveWorld) -> None:
    async with display_page(live_world) as page:
        # given a meeting booked at the door, confirmed by Exchange
        status = page.get_by_role("status")
        await page.get_by_role("button", name=UNTIL).first.click()
        pending = page.get_by_text("Waiting for Exchange…")
        await expect(pending).to_have_count(0, timeout=LIVE)
        await expect(status).to_contain_text("Ends in")
        times = page.locator("#current-meta")
        before = await times.inner_text()
        # when
        await page.get_by_role("button", name="Extend 15 min").click()
        # then it ends 15 minutes later, confirmed
        extended = page.get_by_text(re.compile(r"Extended to \d\d:\d\d"))
        await expect(extended.first).to_be_visible(timeout=LIVE)
        after = await times.inner_text()
        assert _minutes(after) - _minutes(before) in (15, 15 - 24 * 60)
        assert await never_reloaded(page)


async def test_a_meeting_nobody_checks_in_to_is_released_and_the_display_turns_free(
    live_world: LiveWorld,
) -> None:
    # given Adele's meeting that began 6 minutes ago, on the display
    async with graph_client(live_world.emulator_url) as outlook:
        await book(outlook, ADELE, "Stand-up", minute(-6), minute(30), (ROOM1,))
    async with display_page(live_world) as page:
        status = page.get_by_role("status")
        await expect(status).to_contain_text("Busy")
        # when the tenant requires check-in within 5 minutes, since before
        # the meeting began (switching it on now would spare the meeting)
        live_world.require_check_in(5)
        await live_world.check_in_required_since(minute(-60))
        # then nobody checked in, so the room is released and turns free
        await expect(status).to_contain_text("Free", timeout=LIVE)
        assert await never_reloaded(page)


async def _drop_notifications(world: LiveWorld) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=world.emulator_url) as http:
        response = await http.post("/_emulator/notifications/drop", json={"share": 1})
    assert response.status_code == 200, response.text


async def _room_zone(page) -> str:
    return str(
        await page.evaluate(
            f"JSON.parse(localStorage.getItem({STORE!r})).home.thisDisplay.room.timeZone"
        )
    )


def _minutes(text: str) -> int:
    """The end of "12:00-12:30 · Adele Vance" (an en dash), in minutes of the day."""
    hours, minutes = re.search("\u2013" + r"(\d\d):(\d\d)", text).groups()
    return int(hours) * 60 + int(minutes)
