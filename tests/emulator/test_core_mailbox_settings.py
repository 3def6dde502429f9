"""Mailbox settings and automatic replies (graph-contract.md §6), plus seeds and state."""

from __future__ import annotations

from pathlib import Path

import pytest
from msgraph.generated.models.automatic_replies_setting import AutomaticRepliesSetting
from msgraph.generated.models.automatic_replies_status import AutomaticRepliesStatus
from msgraph.generated.models.external_audience_scope import ExternalAudienceScope
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from tests.emulator.core_directory import ADELE, CoreServer, core_server
from tests.emulator.core_events import view_config, when
from tests.emulator.graph_clients import graph_client
from tests.servers import serve_in_thread
from transom.emulator import TENANT_ID, create_app

__all__ = ["core_server"]
pytestmark = pytest.mark.anyio


async def test_scheduled_automatic_replies_round_trip(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        settings = client.users.by_user_id(ADELE).mailbox_settings
        body = MailboxSettings(
            automatic_replies_setting=AutomaticRepliesSetting(
                status=AutomaticRepliesStatus.Scheduled,
                external_audience=ExternalAudienceScope.All,
                scheduled_start_date_time=when(
                    "2026-12-01T08:00:00", "W. Europe Standard Time"
                ),
                scheduled_end_date_time=when("2026-12-05T18:00:00", "Europe/Berlin"),
                internal_reply_message="Away",
            )
        )
        # when
        patched = await settings.patch(body)
        fetched = await settings.get()
    # then
    replies = fetched.automatic_replies_setting
    assert patched.automatic_replies_setting.status.value == "scheduled"
    assert replies.scheduled_start_date_time.date_time == "2026-12-01T07:00:00.0000000"
    assert replies.scheduled_start_date_time.time_zone == "UTC"
    assert replies.internal_reply_message.startswith("<html>")
    assert fetched.user_purpose.value == "user"


async def test_scheduled_replies_ending_before_they_start_are_refused(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        body = MailboxSettings(
            automatic_replies_setting=AutomaticRepliesSetting(
                status=AutomaticRepliesStatus.Scheduled,
                scheduled_start_date_time=when("2026-12-05T08:00:00"),
                scheduled_end_date_time=when("2026-12-01T08:00:00"),
            )
        )
        # when
        with pytest.raises(ODataError) as raised:
            await client.users.by_user_id(ADELE).mailbox_settings.patch(body)
    # then
    assert raised.value.response_status_code == 400
    assert raised.value.error.code == "ErrorInvalidTimeSettings"


async def test_bad_time_zone_in_settings_is_refused(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        # when
        with pytest.raises(ODataError) as raised:
            await client.users.by_user_id(ADELE).mailbox_settings.patch(
                MailboxSettings(time_zone="Atlantis/Nowhere")
            )
    # then
    assert raised.value.error.code == "InvalidTimeZone"


async def test_demo_seed_has_rooms_people_and_a_consistent_week() -> None:
    # given
    app = create_app(seed="demo")
    tenant = app.state.emulator.tenants[TENANT_ID]
    rooms = [u for u in tenant.users.values() if u.place]
    people = [u for u in tenant.users.values() if u.purpose == "user"]
    # when
    with serve_in_thread(app) as url:
        async with graph_client(url) as client:
            places = await client.places.graph_room.get()
            lists = await client.places.graph_room_list.get()
            room = rooms[0]
            week = await client.users.by_user_id(room.mail).calendar_view.get(
                view_config("2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", top=200)
            )
    # then
    assert len(places.value) == len(rooms) >= 12
    assert len(lists.value) == 2
    assert len(people) >= 40
    assert all(len(p.proxy_addresses) >= 2 for p in people)
    assert week.value
    assert all(e.is_organizer is False for e in week.value)


def test_demo_seed_is_deterministic() -> None:
    # when
    first = create_app(seed="demo").state.emulator.tenants[TENANT_ID]
    second = create_app(seed="demo").state.emulator.tenants[TENANT_ID]
    # then
    assert sorted(first.users) == sorted(second.users)
    assert sorted(first.events) == sorted(second.events)


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    # given
    state = tmp_path / "emulator.json"
    with serve_in_thread(create_app(seed="demo", state_file=state)):
        pass
    before = create_app(seed="empty", state_file=state).state.emulator
    # then
    assert before.seed == "demo"
    assert len(before.tenants[TENANT_ID].users) >= 52
