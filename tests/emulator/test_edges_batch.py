"""JSON batching: limits, per-item statuses, dependsOn and 424 (contract §7.5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem

from tests.emulator.core_directory import ADELE, core_app
from tests.emulator.graph_clients import graph_client
from tests.servers import serve_in_thread
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID

pytestmark = pytest.mark.anyio

ROOM = (
    "/users/{mailbox}/calendarView"
    "?startDateTime=2026-11-23T00:00:00Z&endDateTime=2026-11-24T00:00:00Z"
)


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with serve_in_thread(core_app()) as url:
        yield url


async def graph_token(client: httpx.AsyncClient) -> dict[str, str]:
    form = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "client_credentials",
        "scope": "https://graph.microsoft.com/.default",
    }
    response = await client.post(f"/{TENANT_ID}/oauth2/v2.0/token", data=form)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def some_mailbox(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    users = await client.get("/v1.0/users?$top=5", headers=headers)
    return str(users.json()["value"][0]["userPrincipalName"])


async def post_batch(
    emulator_url: str, requests: list[dict[str, Any]]
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        headers = await graph_token(client)
        return await client.post(
            "/v1.0/$batch", json={"requests": requests}, headers=headers
        )


async def test_batch_answers_each_request_with_its_own_status(emulator_url: str):
    # given
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        headers = await graph_token(client)
        mailbox = await some_mailbox(client, headers)
    requests = [
        {"id": "1", "method": "GET", "url": ROOM.format(mailbox=mailbox)},
        {"id": "2", "method": "GET", "url": "/users/nobody@contoso.com/events"},
        {
            "id": "3",
            "method": "POST",
            "url": f"/users/{mailbox}/events",
            "headers": {"Content-Type": "application/json"},
            "body": {
                "subject": "Batched",
                "start": {"dateTime": "2026-11-24T09:00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2026-11-24T09:30:00", "timeZone": "UTC"},
            },
        },
    ]

    # when
    response = await post_batch(emulator_url, requests)

    # then
    assert response.status_code == 200
    by_id = {r["id"]: r for r in response.json()["responses"]}
    assert by_id["1"]["status"] == 200
    assert "value" in by_id["1"]["body"]
    assert by_id["2"]["status"] == 404
    assert by_id["2"]["body"]["error"]["code"] == "ErrorInvalidUser"
    assert by_id["3"]["status"] == 201
    assert by_id["3"]["body"]["subject"] == "Batched"


async def test_batch_of_more_than_twenty_requests_is_refused(emulator_url: str):
    # given
    requests = [
        {"id": str(n), "method": "GET", "url": "/organization"} for n in range(21)
    ]

    # when
    response = await post_batch(emulator_url, requests)

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadRequest"


async def test_batch_ids_must_be_unique_ignoring_case(emulator_url: str):
    # given
    requests = [
        {"id": "a", "method": "GET", "url": "/organization"},
        {"id": "A", "method": "GET", "url": "/organization"},
    ]

    # when
    response = await post_batch(emulator_url, requests)

    # then
    assert response.status_code == 400


async def test_dependents_of_a_failed_request_get_424(emulator_url: str):
    # given
    requests = [
        {"id": "1", "method": "GET", "url": "/users/nobody@contoso.com/events"},
        {"id": "2", "method": "GET", "url": "/organization", "dependsOn": ["1"]},
        {"id": "3", "method": "GET", "url": "/organization", "dependsOn": ["2"]},
        {"id": "4", "method": "GET", "url": "/organization"},
    ]

    # when
    response = await post_batch(emulator_url, requests)

    # then
    statuses = {r["id"]: r["status"] for r in response.json()["responses"]}
    assert statuses == {"1": 404, "2": 424, "3": 424, "4": 200}


async def test_depends_on_must_name_an_earlier_request(emulator_url: str):
    # given
    requests = [
        {"id": "1", "method": "GET", "url": "/organization", "dependsOn": ["2"]},
        {"id": "2", "method": "GET", "url": "/organization"},
    ]

    # when
    response = await post_batch(emulator_url, requests)

    # then
    assert response.status_code == 400


async def test_snake_case_depends_on_is_ignored_like_graph_does(emulator_url: str):
    # given: the SDK's serialisation bug (contract §0.5)
    requests = [
        {"id": "1", "method": "GET", "url": "/users/nobody@contoso.com/events"},
        {"id": "2", "method": "GET", "url": "/organization", "depends_on": ["1"]},
    ]

    # when
    response = await post_batch(emulator_url, requests)

    # then
    statuses = {r["id"]: r["status"] for r in response.json()["responses"]}
    assert statuses == {"1": 404, "2": 200}


async def test_batch_items_are_authorised_with_the_batch_token(emulator_url: str):
    # given
    requests = [{"id": "1", "method": "GET", "url": "/organization"}]

    # when
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        response = await client.post("/v1.0/%24batch", json={"requests": requests})

    # then
    assert response.status_code == 200
    assert response.json()["responses"][0]["status"] == 401


async def test_sdk_batch_returns_a_status_per_request(emulator_url: str):
    # given
    async with graph_client(emulator_url) as graph:
        users = graph.users.by_user_id(ADELE)
        content = BatchRequestContent(
            {
                "1": BatchRequestItem(users.events.to_get_request_information(), "1"),
                "2": BatchRequestItem(
                    graph.users.by_user_id("nobody@x.com").to_get_request_information(),
                    "2",
                ),
            }
        )

        # when
        answer = await graph.batch.post(content)

    # then
    assert answer.get_response_status_codes() == {"1": 200, "2": 404}
