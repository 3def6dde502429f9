from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import Clock
from tests.graph.emulated import Emulated, directory_app
from tests.ops.installed import InstalledTransom, build_and_install
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.settings import Secret, Settings

METRICS_TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledTransom:
    """One wheel, built and installed once for every test that needs it."""
    return build_and_install(tmp_path_factory.mktemp("installed"))


@pytest.fixture
async def emulated() -> AsyncIterator[Emulated]:
    """The Graph emulator with the core tests' directory, served over HTTP."""
    app = directory_app()
    with serve_in_thread(app) as url:
        async with httpx.AsyncClient(base_url=url) as control:
            yield Emulated(url, app.state.emulator, control)


@pytest.fixture
def metered(settings: Settings, clock: Clock) -> Iterator[str]:
    """Transom with /metrics on (token METRICS_TOKEN): its base URL."""
    metered = dataclasses.replace(settings, metrics_token=Secret(METRICS_TOKEN))
    with serve_in_thread(create_app(metered, clock=clock)) as base_url:
        yield base_url
