"""The admin Analytics page in real Chromium: figures of seeded bookings in the
table, the SVG bar chart and heatmap, grouping, CSV download, axe-core."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_room
from tests.web.browser_steps import serious_violations, sign_in
from tests.web.conftest import AdminUi, screenshot, scroll_to
from transom.db import models
from transom.db.engine import create_engine, create_sessions

ZONE = ZoneInfo("Europe/Copenhagen")  # the test tenant's


def days_ago(days: int, hour: int) -> datetime:
    """``hour``:00 in the tenant's zone, ``days`` days before today there."""
    today = datetime.now(ZONE).date() - timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour, tzinfo=ZONE)


async def seed(database_url: str, tenant_id: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_sessions(engine)() as session:
            tenant = await session.get(models.Tenant, tenant_id)
            assert tenant is not None
            aurora = await make_room(session, tenant, "Aurora", building="North")
            borealis = await make_room(session, tenant, "Borealis", building="South")
            meetings = [
                (aurora, days_ago(d, 10), 60, "CONFIRMED", None) for d in (1, 2, 3)
            ] + [
                (borealis, days_ago(1, 12), 30, "CONFIRMED", days_ago(1, 12)),
                (borealis, days_ago(2, 12), 90, "CANCELLED", None),
            ]
            for room, start, minutes, state, checked_in in meetings:
                session.add(
                    models.Booking(
                        tenant_id=tenant.id,
                        room_id=room.id,
                        start=start.astimezone(UTC),
                        end=(start + timedelta(minutes=minutes)).astimezone(UTC),
                        subject="Quarterly numbers",
                        state=state,
                        source="OUTLOOK",
                        checked_in_at=checked_in,
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()


def cells_of(page: Page, group: str) -> list[str]:
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=group))
    return row.get_by_role("cell").all_inner_texts()


@pytest.mark.browser
def test_analytics_page_shows_usage_charts_and_downloads_csv(
    ui: Page, admin_ui: AdminUi, database_url: str
) -> None:
    # given two rooms with bookings in the last days
    # (in a thread: Playwright's sync API runs an event loop in this one)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, seed(database_url, admin_ui.tenant_id)).result()
    sign_in(ui, admin_ui)
    # when the admin opens Analytics from the navigation
    nav = ui.get_by_role("navigation", name="Admin sections")
    nav.get_by_role("link", name="Analytics", exact=True).click()
    expect(ui.get_by_role("heading", level=1)).to_have_text("Analytics")
    expect(ui.get_by_role("rowheader", name="Aurora")).to_be_visible()
    # then the table has each room's figures (cancelled: not counted)
    aurora = cells_of(ui, "Aurora")
    assert aurora[:2] == ["1", "3.0"]  # rooms, booked hours
    assert aurora[4:6] == ["3", "60"]  # meetings, median minutes
    borealis = cells_of(ui, "Borealis")
    assert borealis[4:6] == ["1", "30"]
    assert borealis[7] == "1"  # checked in
    summary = ui.locator("[data-usage-summary]")
    expect(summary).to_contain_text("Meetings")
    expect(summary).to_contain_text("4")
    # and the charts are SVG drawn in the page: a bar per room, 7 x 24 cells
    bars = ui.locator("svg[data-chart=bars]")
    label = bars.get_attribute("aria-label") or ""
    assert f"Aurora {aurora[3]}" in label
    expect(bars.locator("rect.bar")).to_have_count(2)
    expect(ui.locator("svg[data-chart=heatmap] rect")).to_have_count(168)
    busy = ui.locator("svg[data-chart=heatmap]").get_attribute("aria-label") or ""
    assert "busiest:" in busy
    assert serious_violations(ui) == []
    screenshot(ui, "admin-analytics")
    scroll_to(ui.get_by_role("heading", name="Occupancy by weekday and hour"))
    screenshot(ui, "admin-analytics-charts")

    # when the table is downloaded as CSV
    with ui.expect_download() as info:
        ui.get_by_role("button", name="Download CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    # then it holds the same rows, and no subjects
    lines = text.strip().splitlines()
    assert lines[0].startswith("Group,Rooms,Booked hours,")
    assert lines[1].startswith("Aurora,1,3.0,")
    assert "Quarterly" not in text

    # when grouped by building
    ui.get_by_label("Group by").select_option("BUILDING")
    ui.get_by_role("button", name="Show").click()
    # then the groups are the buildings
    expect(ui.get_by_role("rowheader", name="North")).to_be_visible()
    expect(ui.get_by_role("rowheader", name="South")).to_be_visible()
    assert cells_of(ui, "North")[4] == "3"
