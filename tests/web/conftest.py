"""A real Transom (sync on) and the Graph emulator (demo seed), each in a uvicorn
thread, plus Chromium through Playwright's sync API at 1280x800."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_tenant
from tests.servers import free_port, serve_in_thread
from tests.web.admins import PASSWORD, make_admin
from transom.app import create_app
from transom.db.engine import create_engine, create_sessions
from transom.emulator import create_app as create_emulator
from transom.settings import Settings

SCREENSHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
ADMIN_EMAIL = "facilities@contoso.example"
OTHER_ADMIN_EMAIL = "reception@contoso.example"


@dataclass(frozen=True)
class AdminUi:
    url: str
    emulator_url: str
    tenant_id: str
    email: str = ADMIN_EMAIL
    password: str = PASSWORD


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve_in_thread(create_emulator(seed="demo")) as url:
        yield url


@pytest.fixture
def admin_ui(database_url: str, tmp_path: Path, emulator_url: str) -> Iterator[AdminUi]:
    port = free_port()
    settings = Settings.from_env(
        {
            "TRANSOM_DATA_DIR": str(tmp_path / "data"),
            "TRANSOM_DATABASE_URL": database_url,
            "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "TRANSOM_RUN_SYNC": "true",
            "TRANSOM_GRAPH_URL": emulator_url,
            "TRANSOM_AUTHORITY_URL": emulator_url,
            "TRANSOM_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
    )
    tenant_id = asyncio.run(_tenant_with_admin(settings))
    with serve_in_thread(create_app(settings), port=port) as url:
        yield AdminUi(url, emulator_url, tenant_id)


async def _tenant_with_admin(settings: Settings) -> str:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessions(engine)() as session:
            tenant = await make_tenant(session, "Contoso")
            await make_admin(session, tenant, ADMIN_EMAIL)
            await make_admin(session, tenant, OTHER_ADMIN_EMAIL)
            return tenant.id
    finally:
        await engine.dispose()


@pytest.fixture
def browser_time_zone() -> str | None:
    """The browser's time zone; None: the machine's. Override in a test module."""
    return None


@pytest.fixture
def ui(admin_ui: AdminUi, browser_time_zone: str | None) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, timezone_id=browser_time_zone
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def scroll_to(locator: Locator) -> None:
    """Bring `locator` into view for a screenshot, even if a live update redraws it.

    Playwright's `scroll_into_view_if_needed` resolves the element once and fails
    with "Element is not attached to the DOM" when the page replaces it meanwhile
    (a reload after a push); scrolling a detached node here is simply a no-op.
    """
    expect(locator).to_be_attached()
    locator.evaluate("node => node.scrollIntoView({block: 'nearest'})")
