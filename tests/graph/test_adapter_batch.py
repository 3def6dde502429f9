"""$batch and mailbox settings through the adapter (the absence sync's bulk path)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.graph.emulated import ADELE, MEGAN, Emulated
from transom.domain.calendar import (
    AutomaticReplies,
    AutoReplyStatus,
    EventChanges,
    EventDraft,
    Sensitivity,
    ShowAs,
)
from transom.emulator import TENANT_DOMAIN
from transom.graph import (
    GraphNotFoundError,
    GraphTenantClient,
    MailboxNotFoundError,
    batch_create_event,
    batch_delete_event,
    batch_update_automatic_replies,
    batch_update_event,
)

pytestmark = pytest.mark.anyio

DAY = datetime(2026, 12, 1, tzinfo=UTC)
WINDOW = (DAY - timedelta(days=1), DAY + timedelta(days=30))
REPLIES = AutomaticReplies(
    status=AutoReplyStatus.SCHEDULED,
    scheduled_start=DAY,
    scheduled_end=DAY + timedelta(days=2),
    internal_message="<p>Away</p>",
    external_message="<p>Away</p>",
)


def absence(day: int) -> EventDraft:
    start = DAY + timedelta(days=day)
    return EventDraft(
        "Out of office",
        start,
        start + timedelta(days=1),
        is_all_day=True,
        show_as=ShowAs.OOF,
        sensitivity=Sensitivity.PRIVATE,
    )


async def test_absence_events_and_replies_are_written_in_one_batch(
    graph: GraphTenantClient,
):
    # given
    items = [
        batch_create_event("1", ADELE, absence(0), "abs-1"),
        batch_create_event("2", MEGAN, absence(1), "abs-2"),
        batch_update_automatic_replies("3", ADELE, REPLIES),
    ]

    # when
    results = await graph.run_batch(items)

    # then
    assert [r.status for r in results] == [201, 201, 200]
    created = results[0].event()
    assert (created.is_all_day, created.show_as, created.is_private) == (
        True,
        ShowAs.OOF,
        True,
    )
    assert (
        await graph.fetch_automatic_replies(ADELE)
    ).status is AutoReplyStatus.SCHEDULED


async def test_dependent_items_run_in_order_and_failures_are_typed(
    graph: GraphTenantClient,
):
    # given
    created = await graph.create_event(ADELE, absence(3), "abs-3")
    items = [
        batch_update_event("a", ADELE, created.id, EventChanges(subject="Holiday")),
        batch_delete_event("b", ADELE, created.id),
        batch_delete_event("c", f"ghost@{TENANT_DOMAIN}", "nope"),
    ]
    items[1] = replace(items[1], depends_on=("a",))

    # when
    results = await graph.run_batch(items)

    # then
    assert [r.status for r in results[:2]] == [200, 204]
    assert results[0].event().subject == "Holiday"
    assert isinstance(results[2].error(), MailboxNotFoundError)
    assert await graph.fetch_event(ADELE, created.id) is None


async def test_many_items_are_chunked_into_batches_of_twenty(
    emulated: Emulated, graph: GraphTenantClient
):
    # given
    client, counter = emulated.client()
    items = [
        batch_create_event(str(n), MEGAN, absence(n), f"bulk-{n}") for n in range(25)
    ]

    # when
    async with client:
        results = await client.run_batches(items)

    # then
    assert [r.id for r in results] == [str(n) for n in range(25)]
    assert all(r.ok for r in results), [r.error() for r in results if not r.ok]
    assert counter.graph_requests == 2
    assert len(await graph.fetch_calendar_view(MEGAN, *WINDOW)) == 25


async def test_missing_event_in_a_batch_is_not_found(graph: GraphTenantClient):
    # when
    (result,) = await graph.run_batch([batch_delete_event("x", ADELE, "AAMkNope=")])

    # then
    assert type(result.error()) is GraphNotFoundError


async def test_automatic_replies_are_read_back_as_stored(graph: GraphTenantClient):
    # when
    stored = await graph.update_automatic_replies(MEGAN, REPLIES)
    fetched = await graph.fetch_automatic_replies(MEGAN)

    # then
    assert stored.status is AutoReplyStatus.SCHEDULED
    assert (fetched.scheduled_start, fetched.scheduled_end) == (
        REPLIES.scheduled_start,
        REPLIES.scheduled_end,
    )
    assert "Away" in fetched.internal_message
