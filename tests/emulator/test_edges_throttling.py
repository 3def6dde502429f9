"""Exchange throttling per app and mailbox (contract §7.3), and the SDK recovering."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import httpx
import pytest

from tests.emulator.core_directory import ADELE, MEGAN, core_app
from tests.emulator.graph_clients import graph_client
from tests.emulator.raw_http import bearer
from tests.servers import serve_in_thread

pytestmark = pytest.mark.anyio


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve_in_thread(core_app()) as url:
        yield url


async def concurrent_gets(
    client: httpx.AsyncClient, paths: list[str]
) -> list[httpx.Response]:
    headers = await bearer(client)
    responses: list[httpx.Response] = []

    async def fetch(path: str) -> None:
        responses.append(await client.get(path, headers=headers))

    async with anyio.create_task_group() as group:
        for path in paths:
            group.start_soon(fetch, path)
    return responses


async def test_fifth_concurrent_request_on_a_mailbox_is_throttled(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url, timeout=10) as client:
        # given: slow answers keep requests in flight
        await client.post("/_emulator/faults", json={"latencyMs": 500})

        # when
        responses = await concurrent_gets(client, [f"/v1.0/users/{ADELE}/events"] * 6)

    # then
    throttled = [r for r in responses if r.status_code == 429]
    assert sorted(r.status_code for r in responses) == [200] * 4 + [429] * 2
    assert all(r.headers["Retry-After"] == "1" for r in throttled)
    error = throttled[0].json()["error"]
    assert error["code"] == "ApplicationThrottled"
    assert error["message"] == "Application is over its MailboxConcurrency limit."


async def test_mailboxes_are_throttled_separately(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url, timeout=10) as client:
        # given
        await client.post("/_emulator/faults", json={"latencyMs": 500})

        # when
        paths = [f"/v1.0/users/{ADELE}/events"] * 4 + [
            f"/v1.0/users/{MEGAN}/events"
        ] * 4
        responses = await concurrent_gets(client, paths)

    # then
    assert [r.status_code for r in responses] == [200] * 8


async def test_request_budget_per_window_answers_429_with_retry_after(
    emulator_url: str,
):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        limits = {"throttling": {"requestsPerWindow": 3}}
        await client.patch("/_emulator/settings", json=limits)
        headers = await bearer(client)

        # when
        responses = [
            await client.get(f"/v1.0/users/{ADELE}/events", headers=headers)
            for _ in range(4)
        ]

    # then
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[3].json()["error"]["code"] == "TooManyRequests"
    assert int(responses[3].headers["Retry-After"]) > 0


async def test_sdk_retry_handler_recovers_from_throttling(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        await control.post("/_emulator/faults", json={"latencyMs": 300})
    results: list[int] = []

    # when: six concurrent calls on one mailbox, two over the limit
    async with graph_client(emulator_url) as graph:

        async def list_events() -> None:
            page = await graph.users.by_user_id(ADELE).events.get()
            results.append(len(page.value))

        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(list_events)

    # then
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        stats = (await control.get("/_emulator/stats")).json()["requests"]
    assert results == [0] * 6
    assert stats["GET /v1.0/users/{id}/events"] > 6


async def test_sdk_retry_handler_honours_injected_429s(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        plan = {"failNext": 2, "failStatus": 429, "retryAfterSeconds": 1}
        await control.post("/_emulator/faults", json=plan)

    # when
    async with graph_client(emulator_url) as graph:
        organization = await graph.organization.get()

    # then
    assert organization.value
