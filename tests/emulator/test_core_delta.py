"""calendarView delta: pages, links, @removed and 410 (graph-contract.md §3)."""

from __future__ import annotations

from typing import Any

import pytest
from msgraph.generated.models.event import Event
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from tests.emulator.core_directory import ADELE, CoreServer, core_server
from tests.emulator.core_events import delta_config, meeting, view_config
from tests.emulator.graph_clients import graph_client
from transom.emulator import TENANT_ID

__all__ = ["core_server"]
pytestmark = pytest.mark.anyio
START, END = "2026-11-23T00:00:00Z", "2026-11-28T00:00:00Z"
PAGE = "odata.maxpagesize=2"


async def drain(builder: Any, first: Any) -> tuple[list[Event], list[Any], str]:
    """Follow nextLinks to the deltaLink; returns (items, pages, deltaLink)."""
    pages, page = [first], first
    while page.odata_next_link:
        page = await builder.with_url(page.odata_next_link).get(
            delta_config(prefer=PAGE)
        )
        pages.append(page)
    return [e for p in pages for e in p.value], pages, page.odata_delta_link


async def test_initial_round_pages_to_a_delta_link(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        for day in (23, 24, 25):
            await mailbox.events.post(
                meeting(f"d{day}", f"2026-11-{day}T09:00:00", f"2026-11-{day}T10:00:00")
            )
        await mailbox.events.post(
            meeting("outside", "2026-12-10T09:00:00", "2026-12-10T10:00:00")
        )
        delta = mailbox.calendar_view.delta
        # when
        first = await delta.get(delta_config(START, END, prefer=PAGE))
        items, pages, delta_link = await drain(delta, first)
    # then
    assert sorted(e.subject for e in items) == ["d23", "d24", "d25"]
    assert [len(p.value) for p in pages] == [2, 1]
    assert first.odata_next_link.startswith(
        f"https://graph.microsoft.com/v1.0/users/{ADELE}/calendarView/delta?$skiptoken="
    )
    assert delta_link.startswith(
        f"https://graph.microsoft.com/v1.0/users/{ADELE}/calendarView/delta?$deltatoken="
    )
    assert "startDateTime" not in delta_link


async def test_next_round_reports_changes_and_removals(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        keep = await mailbox.events.post(
            meeting("keep", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
        )
        edit = await mailbox.events.post(
            meeting("edit", "2026-11-24T09:00:00", "2026-11-24T10:00:00")
        )
        drop = await mailbox.events.post(
            meeting("drop", "2026-11-25T09:00:00", "2026-11-25T10:00:00")
        )
        delta = mailbox.calendar_view.delta
        _, _, delta_link = await drain(
            delta, await delta.get(delta_config(START, END, prefer=PAGE))
        )
        # when
        await mailbox.events.by_event_id(edit.id).patch(Event(subject="edited"))
        await mailbox.events.by_event_id(drop.id).delete()
        added = await mailbox.events.post(
            meeting("new", "2026-11-26T09:00:00", "2026-11-26T10:00:00")
        )
        changes, _, next_delta = await drain(
            delta, await delta.with_url(delta_link).get(delta_config(prefer=PAGE))
        )
        quiet, _, _ = await drain(
            delta, await delta.with_url(next_delta).get(delta_config(prefer=PAGE))
        )
    # then
    by_id = {e.id: e for e in changes}
    assert set(by_id) == {edit.id, drop.id, added.id}
    assert keep.id not in by_id
    assert by_id[edit.id].subject == "edited"
    assert by_id[drop.id].additional_data["@removed"] == {"reason": "deleted"}
    assert quiet == []


async def test_deleted_occurrence_is_removed_in_delta(core_server: CoreServer) -> None:
    from tests.emulator.test_core_recurrence import weekly_mon_wed

    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        await mailbox.events.post(weekly_mon_wed())
        window = ("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z")
        delta = mailbox.calendar_view.delta
        initial, _, delta_link = await drain(
            delta, await delta.get(delta_config(*window, prefer=PAGE))
        )
        occurrences = (await mailbox.calendar_view.get(view_config(*window))).value
        # when
        await mailbox.events.by_event_id(occurrences[1].id).delete()
        changes, _, _ = await drain(
            delta, await delta.with_url(delta_link).get(delta_config(prefer=PAGE))
        )
    # then
    assert {e.type.value for e in initial} == {"occurrence"}
    assert [(e.id, e.additional_data.get("@removed")) for e in changes] == [
        (occurrences[1].id, {"reason": "deleted"})
    ]


async def test_invalidated_token_answers_410_sync_state_not_found(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        await mailbox.events.post(
            meeting("x", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
        )
        delta = mailbox.calendar_view.delta
        _, _, delta_link = await drain(delta, await delta.get(delta_config(START, END)))
        # when
        core_server.emulator.invalidate_delta_tokens(TENANT_ID)
        with pytest.raises(ODataError) as raised:
            await delta.with_url(delta_link).get()
        with pytest.raises(ODataError) as garbage:
            await delta.with_url(delta_link.split("=")[0] + "=bm9wZQ").get()
    # then
    assert raised.value.response_status_code == 410
    assert raised.value.error.code == "SyncStateNotFound"
    assert garbage.value.response_status_code == 410


async def test_delta_honours_outlook_timezone(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        mailbox = client.users.by_user_id(ADELE)
        await mailbox.events.post(
            meeting("tz", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
        )
        # when
        page = await mailbox.calendar_view.delta.get(
            delta_config(
                START,
                END,
                prefer='odata.maxpagesize=5, outlook.timezone="Tokyo Standard Time"',
            )
        )
    # then
    assert page.value[0].start.date_time == "2026-11-23T18:00:00.0000000"
    assert page.value[0].start.time_zone == "Tokyo Standard Time"
