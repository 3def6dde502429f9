"""Responses deserialize into msgraph-sdk models without losing a field, and
carry the fields Graph sends (graph-contract.md §2.2, §5.1, §6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from kiota_abstractions.serialization import Parsable
from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from msgraph.generated.models.event import Event
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.organization import Organization
from msgraph.generated.models.room import Room
from msgraph.generated.models.user import User

from tests.emulator.core_directory import ADELE, ROOM1, CoreServer, core_server
from tests.emulator.raw_http import token

__all__ = ["core_server"]

EVENT_FIELDS = {
    "@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey",
    "categories", "transactionId", "originalStartTimeZone", "originalEndTimeZone",
    "iCalUId", "reminderMinutesBeforeStart", "isReminderOn", "hasAttachments",
    "subject", "bodyPreview", "body", "importance", "sensitivity", "isAllDay",
    "isCancelled", "isDraft", "isOrganizer", "responseRequested",
    "allowNewTimeProposals", "hideAttendees", "showAs", "type", "seriesMasterId",
    "webLink", "isOnlineMeeting", "onlineMeetingProvider", "responseStatus", "start",
    "end", "location", "locations", "recurrence", "attendees", "organizer",
}  # fmt: skip
ROOM_FIELDS = {
    "id",
    "emailAddress",
    "displayName",
    "capacity",
    "building",
    "floorNumber",
}


def graph(base: str, method: str, path: str, body: Any = None) -> dict[str, Any]:
    response = httpx.request(
        method,
        f"{base}/v1.0{path}",
        json=body,
        headers={"Authorization": f"Bearer {token(base)}"},
    )
    assert response.is_success, response.text
    result: dict[str, Any] = response.json()
    return result


def unmapped(raw: dict[str, Any], factory: Any) -> set[str]:
    """Keys of ``raw`` the SDK model has no property for (OData annotations aside)."""
    node = JsonParseNodeFactory().get_root_parse_node(
        "application/json", json.dumps(raw).encode()
    )
    model: Parsable = node.get_object_value(factory)
    extra = getattr(model, "additional_data", {}) or {}
    return {key for key in extra if not key.startswith("@odata.")}


def meeting(start: datetime) -> dict[str, Any]:
    return {
        "subject": "Planning",
        "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "end": {
            "dateTime": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
            "timeZone": "UTC",
        },
        "attendees": [{"type": "resource", "emailAddress": {"address": ROOM1}}],
        "location": {"displayName": "Room 1", "locationEmailAddress": ROOM1},
    }


def test_an_event_carries_every_field_graph_sends_and_the_sdk_maps_them_all(
    core_server: CoreServer,
) -> None:
    # given
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    created = graph(core_server.url, "POST", f"/users/{ADELE}/events", meeting(start))
    # when
    fetched = graph(core_server.url, "GET", f"/users/{ADELE}/events/{created['id']}")
    # then
    assert set(fetched) >= EVENT_FIELDS
    assert unmapped(fetched, Event) == set()


def test_directory_and_settings_responses_map_completely(
    core_server: CoreServer,
) -> None:
    base = core_server.url
    organization = graph(base, "GET", "/organization")["value"][0]
    user = graph(base, "GET", f"/users/{ADELE}")
    rooms = graph(base, "GET", "/places/microsoft.graph.room")["value"]
    settings = graph(base, "GET", f"/users/{ADELE}/mailboxSettings")
    assert unmapped(organization, Organization) == set()
    assert unmapped(user, User) == set()
    assert set(rooms[0]) >= ROOM_FIELDS
    assert all(unmapped(r, Room) == set() for r in rooms)
    assert "automaticRepliesSetting" in settings
    assert unmapped(settings, MailboxSettings) == set()


@pytest.mark.parametrize("path", ["/calendarView", "/calendarView/delta"])
def test_calendar_view_items_map_completely(core_server: CoreServer, path: str) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    series = meeting(start)
    series["recurrence"] = {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": start.date().isoformat(),
                  "numberOfOccurrences": 3},
    }  # fmt: skip
    graph(core_server.url, "POST", f"/users/{ADELE}/events", series)
    window = (
        f"?startDateTime={start.date().isoformat()}T00:00:00Z"
        f"&endDateTime={(start + timedelta(days=5)).date().isoformat()}T00:00:00Z"
    )
    items = graph(core_server.url, "GET", f"/users/{ADELE}{path}{window}")["value"]
    assert items
    for item in items:
        assert unmapped(item, Event) == set()
