"""Injected faults: shares of 429/503, added latency, scoping, next-N failures."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.emulator.core_directory import core_app
from tests.emulator.raw_http import bearer
from tests.servers import serve_in_thread

pytestmark = pytest.mark.anyio


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve_in_thread(core_app()) as url:
        yield url


async def statuses(client: httpx.AsyncClient, path: str, count: int) -> list[int]:
    headers = await bearer(client)
    return [(await client.get(path, headers=headers)).status_code for _ in range(count)]


async def test_a_share_of_requests_fails_with_503_and_retry_after(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        plan = {"unavailableShare": 0.5, "seed": 42, "retryAfterSeconds": 2}
        await client.post("/_emulator/faults", json=plan)

        # when
        seen = await statuses(client, "/v1.0/organization", 40)
        headers = await bearer(client)
        responses = [
            await client.get("/v1.0/organization", headers=headers) for _ in range(20)
        ]
        failed = next(r for r in responses if r.status_code == 503)

    # then
    assert set(seen) == {200, 503}
    assert 8 <= seen.count(503) <= 32
    assert failed.headers["Retry-After"] == "2"
    assert failed.json()["error"]["code"] == "ServiceUnavailable"


async def test_seeded_plans_fail_the_same_requests_every_time(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        plan = {"throttleShare": 0.3, "seed": 7}

        # when
        await client.post("/_emulator/faults", json=plan)
        first = await statuses(client, "/v1.0/organization", 20)
        await client.post("/_emulator/faults", json=plan)
        second = await statuses(client, "/v1.0/organization", 20)

    # then
    assert first == second
    assert 429 in first


async def test_fail_next_fails_exactly_that_many_requests(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        await client.post("/_emulator/faults", json={"failNext": 2, "failStatus": 503})

        # when
        seen = await statuses(client, "/v1.0/organization", 4)

    # then
    assert seen == [503, 503, 200, 200]


async def test_faults_can_be_scoped_to_one_mailbox(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        headers = await bearer(client)
        users = (await client.get("/v1.0/users", headers=headers)).json()["value"]
        broken, fine = users[0]["mail"], users[1]["mail"]
        await client.post(
            "/_emulator/faults", json={"unavailableShare": 1.0, "mailbox": broken}
        )

        # when
        bad = await client.get(f"/v1.0/users/{broken}/events", headers=headers)
        good = await client.get(f"/v1.0/users/{fine}/events", headers=headers)
        control = await client.get("/_emulator/stats")

    # then
    assert bad.status_code == 503
    assert good.status_code == 200
    assert control.status_code == 200


async def test_latency_delays_each_request(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        headers = await bearer(client)
        await client.post("/_emulator/faults", json={"latencyMs": 300})

        # when
        started = time.monotonic()
        response = await client.get("/v1.0/organization", headers=headers)
        elapsed = time.monotonic() - started
        await client.delete("/_emulator/faults")

    # then
    assert response.status_code == 200
    assert elapsed >= 0.3
