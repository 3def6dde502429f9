"""Event CRUD, time zones, transactionId and changeKey (graph-contract.md §2)."""

from __future__ import annotations

import httpx
import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.event import Event
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from tests.emulator.core_directory import ADELE, ALEX, CoreServer, core_server
from tests.emulator.core_events import meeting, view_config, when
from tests.emulator.graph_clients import graph_client

__all__ = ["core_server"]
pytestmark = pytest.mark.anyio


async def test_create_get_update_delete_round_trip(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        # when
        created = await events.post(
            meeting("Plan", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
        )
        fetched = (
            await client.users.by_user_id(ADELE)
            .calendar.events.by_event_id(created.id)
            .get()
        )
        patched = await events.by_event_id(created.id).patch(Event(subject="Plan v2"))
        await events.by_event_id(created.id).delete()
        with pytest.raises(ODataError) as gone:
            await events.by_event_id(created.id).get()
    # then
    assert created.type.value == "singleInstance"
    assert created.is_organizer is True
    assert created.response_status.response.value == "organizer"
    assert created.organizer.email_address.address == ADELE
    assert fetched.subject == "Plan"
    assert fetched.start.date_time == "2026-11-23T09:00:00.0000000"
    assert fetched.start.time_zone == "UTC"
    assert patched.subject == "Plan v2"
    assert patched.change_key != created.change_key
    assert patched.additional_data["@odata.etag"] == f'W/"{patched.change_key}"'
    assert gone.value.response_status_code == 404
    assert gone.value.error.code == "ErrorItemNotFound"


async def test_create_answers_201_and_delete_204(core_server: CoreServer) -> None:
    # given
    async with graph_client(core_server.url) as client:
        token = await client.request_adapter._authentication_provider.access_token_provider.get_authorization_token(
            "https://graph.microsoft.com/v1.0/users"
        )
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "subject": "x",
        "start": {"dateTime": "2026-11-23T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-11-23T09:30:00", "timeZone": "UTC"},
    }
    # when
    async with httpx.AsyncClient(base_url=core_server.url, headers=headers) as http:
        created = await http.post(
            f"/v1.0//users/{ADELE.replace('@', '%40')}/events", json=body
        )
        deleted = await http.delete(
            f"/v1.0/users/{ADELE}/events/{created.json()['id']}"
        )
    # then
    assert created.status_code == 201
    assert deleted.status_code == 204


async def test_windows_and_iana_zones_in_and_prefer_timezone_out(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        # when
        windows = await events.post(
            meeting(
                "W",
                "2026-07-01T09:00:00",
                "2026-07-01T10:00:00",
                zone="W. Europe Standard Time",
            )
        )
        iana = await events.post(
            meeting(
                "I",
                "2026-07-01T09:00:00.5",
                "2026-07-01T10:00:00",
                zone="America/New_York",
            )
        )
        config = RequestConfiguration()
        config.headers.add("Prefer", 'outlook.timezone="Pacific Standard Time"')
        pacific = await events.by_event_id(windows.id).get(config)
    # then
    assert windows.start.date_time == "2026-07-01T07:00:00.0000000"
    assert windows.original_start_time_zone == "W. Europe Standard Time"
    assert iana.start.date_time == "2026-07-01T13:00:00.5000000"
    assert pacific.start.date_time == "2026-07-01T00:00:00.0000000"
    assert pacific.start.time_zone == "Pacific Standard Time"


async def test_unknown_time_zone_is_refused(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        # when
        with pytest.raises(ODataError) as raised:
            await client.users.by_user_id(ADELE).events.post(
                meeting(
                    "x",
                    "2026-07-01T09:00:00",
                    "2026-07-01T10:00:00",
                    zone="Mars/Olympus",
                )
            )
    # then
    assert raised.value.response_status_code == 400


async def test_transaction_id_dedupes_creates_per_mailbox(
    core_server: CoreServer,
) -> None:
    # given
    first = meeting("Once", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
    first.transaction_id = "tx-1"
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        # when
        one = await events.post(first)
        two = await events.post(first)
        listed = await events.get()
    # then
    assert one.id == two.id
    assert one.transaction_id == "tx-1"
    assert len(listed.value) == 1


async def test_stale_if_match_is_412(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        created = await events.post(
            meeting("Race", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
        )
        await events.by_event_id(created.id).patch(Event(subject="first writer"))
        config = RequestConfiguration()
        config.headers.add("If-Match", created.additional_data["@odata.etag"])
        # when
        with pytest.raises(ODataError) as raised:
            await events.by_event_id(created.id).patch(
                Event(subject="second writer"), config
            )
    # then
    assert raised.value.response_status_code == 412
    assert raised.value.error.code == "ErrorIrresolvableConflict"


async def test_calendar_view_pages_ten_by_default(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        for hour in range(8, 20):
            await mailbox.events.post(
                meeting(
                    f"h{hour}",
                    f"2026-11-23T{hour:02}:00:00",
                    f"2026-11-23T{hour:02}:30:00",
                )
            )
        # when
        first = await mailbox.calendar_view.get(
            view_config("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z")
        )
        rest = await mailbox.calendar_view.with_url(first.odata_next_link).get()
        topped = await mailbox.calendar_view.get(
            view_config("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z", top=50)
        )
    # then
    assert len(first.value) == 10
    assert first.odata_next_link.startswith("https://graph.microsoft.com/v1.0/users/")
    assert len(rest.value) == 2
    assert rest.odata_next_link is None
    assert [e.subject for e in topped.value] == [f"h{h}" for h in range(8, 20)]


async def test_mailbox_errors_for_unknown_and_unlicensed_users(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        # when
        with pytest.raises(ODataError) as unknown:
            await client.users.by_user_id("ghost@nowhere.example").events.get()
        with pytest.raises(ODataError) as unlicensed:
            await client.users.by_user_id(ALEX).calendar_view.get(
                view_config("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z")
            )
    # then
    assert unknown.value.error.code == "ErrorInvalidUser"
    assert unlicensed.value.error.code == "MailboxNotEnabledForRESTAPI"


async def test_patch_location_replaces_locations(core_server: CoreServer) -> None:
    from msgraph.generated.models.location import Location

    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        created = await events.post(
            meeting("Loc", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
        )
        # when
        patched = await events.by_event_id(created.id).patch(
            Event(
                location=Location(display_name="Cafe"), end=when("2026-11-23T11:00:00")
            )
        )
    # then
    assert patched.location.display_name == "Cafe"
    assert [x.display_name for x in patched.locations] == ["Cafe"]
    assert patched.end.date_time == "2026-11-23T11:00:00.0000000"
