"""The demo's Outlook page: it renders, and its meetings are real Graph events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)

from tests.emulator.core_directory import ADELE, ROOM1, core_app
from tests.emulator.graph_clients import graph_client
from tests.servers import serve_in_thread
from transom.emulator import TENANT_ID

pytestmark = pytest.mark.anyio

API = "/_emulator/outlook/api"


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve_in_thread(core_app()) as url:
        yield url


def tomorrow_at(hour: int) -> datetime:
    day = datetime.now(UTC) + timedelta(days=1)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def window() -> RequestConfiguration[Any]:
    start, end = tomorrow_at(0), tomorrow_at(0) + timedelta(days=1)
    query = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time=start.isoformat(), end_date_time=end.isoformat()
    )
    return RequestConfiguration(query_parameters=query)


async def test_outlook_page_renders_people_rooms_and_labelled_controls(
    emulator_url: str,
):
    # when
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        page = await client.get("/_emulator/outlook")
        script = await client.get("/_emulator/outlook/static/outlook.js")

    # then
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert "Adele Vance" in page.text
    assert "Room 1" in page.text
    for control in ("mailbox", "subject", "day", "start", "end", "room"):
        assert f'<label for="{control}">' in page.text
    assert "Create meeting" in page.text
    assert script.status_code == 200


async def test_meeting_created_on_the_page_appears_in_graph_calendar_view(
    emulator_url: str,
):
    # given
    body = {
        "tenant": TENANT_ID,
        "user": ADELE,
        "subject": "Made in Outlook",
        "start": tomorrow_at(10).isoformat(),
        "end": tomorrow_at(11).isoformat(),
        "room": ROOM1,
    }

    # when
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        created = await client.post(f"{API}/events", json=body)

    # then
    assert created.status_code == 201
    async with graph_client(emulator_url) as graph:
        view = await graph.users.by_user_id(ADELE).calendar_view.get(window())
        assert [e.subject for e in view.value] == ["Made in Outlook"]
        with anyio.fail_after(3):
            while True:
                booked = await graph.users.by_user_id(ROOM1).calendar_view.get(window())
                if booked.value:
                    break
                await anyio.sleep(0.05)
        organizer = await graph.users.by_user_id(ADELE).calendar_view.get(window())
    room = organizer.value[0].attendees[0]
    assert room.email_address.address == ROOM1
    assert room.status.response.value == "accepted"


async def test_meeting_moved_and_cancelled_on_the_page(emulator_url: str):
    async with httpx.AsyncClient(base_url=emulator_url) as client:
        # given
        body = {
            "tenant": TENANT_ID,
            "user": ADELE,
            "subject": "Movable",
            "start": tomorrow_at(9).isoformat(),
            "end": tomorrow_at(10).isoformat(),
        }
        item = (await client.post(f"{API}/events", json=body)).json()

        # when
        moved = await client.patch(
            f"{API}/events/{item['id']}",
            json={
                "tenant": TENANT_ID,
                "user": ADELE,
                "start": tomorrow_at(14).isoformat(),
                "end": tomorrow_at(15).isoformat(),
            },
        )
        async with graph_client(emulator_url) as graph:
            after_move = await graph.users.by_user_id(ADELE).calendar_view.get(window())
        cancelled = await client.delete(
            f"{API}/events/{item['id']}", params={"tenant": TENANT_ID, "user": ADELE}
        )
        listed = await client.get(
            f"{API}/calendar",
            params={
                "tenant": TENANT_ID,
                "user": ADELE,
                "start": tomorrow_at(0).isoformat(),
                "end": (tomorrow_at(0) + timedelta(days=1)).isoformat(),
            },
        )

    # then
    assert moved.status_code == 200
    assert after_move.value[0].start.date_time.startswith(
        tomorrow_at(14).strftime("%Y-%m-%dT%H:%M")
    )
    assert cancelled.status_code == 204
    assert listed.json()["items"] == []
