"""Fixtures: a served emulator (see emulated.py), a client on it, a webhook receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.emulator.webhook_receiver import WebhookReceiver
from tests.graph.emulated import Emulated, directory_app
from tests.servers import serve_in_thread
from transom.graph import GraphTenantClient


@pytest.fixture
async def emulated() -> AsyncIterator[Emulated]:
    app = directory_app()
    with serve_in_thread(app) as url:
        async with httpx.AsyncClient(base_url=url) as control:
            yield Emulated(url, app.state.emulator, control)


@pytest.fixture
async def graph(emulated: Emulated) -> AsyncIterator[GraphTenantClient]:
    client, _ = emulated.client()
    async with client:
        yield client


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    hook = WebhookReceiver()
    with serve_in_thread(hook.app) as url:
        yield hook, url
