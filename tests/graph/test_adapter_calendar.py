"""Calendar reads and writes through the adapter against the emulator over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.graph.emulated import ADELE, MEGAN, ROOM1, ROOM2, Emulated, eventually
from transom.domain.calendar import (
    AttendeeType,
    CalendarEvent,
    EmailAddress,
    EventChanges,
    EventDraft,
    ResponseKind,
    ShowAs,
)
from transom.emulator import TENANT_ID
from transom.graph import DeltaExpiredError, GraphTenantClient

pytestmark = pytest.mark.anyio

MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)
WINDOW = (MONDAY - timedelta(days=1), MONDAY + timedelta(days=14))


def draft(subject: str, hour: int = 0, room: str | None = ROOM1) -> EventDraft:
    start = MONDAY + timedelta(hours=hour)
    return EventDraft(
        subject,
        start,
        start + timedelta(minutes=30),
        room=EmailAddress(room, room.split("@")[0]) if room else None,
    )


async def room_copy(graph: GraphTenantClient, room: str, subject: str) -> CalendarEvent:
    events = await graph.fetch_calendar_view(room, *WINDOW)
    found = [e for e in events if e.start == MONDAY and not e.is_cancelled]
    assert found, f"no booking in {room} yet ({subject})"
    return found[0]


async def test_booking_for_a_person_is_accepted_by_the_room(graph: GraphTenantClient):
    # when
    created = await graph.create_event(ADELE, draft("Planning"), "tx-planning")

    # then
    assert created.attendee(ROOM1).type is AttendeeType.RESOURCE
    assert created.transaction_id == "tx-planning"

    async def room_accepted() -> CalendarEvent:
        event = await graph.fetch_event(ADELE, created.id)
        assert event is not None
        assert event.attendee(ROOM1).response is ResponseKind.ACCEPTED
        return event

    await eventually(room_accepted)
    copy = await room_copy(graph, ROOM1, "Planning")
    assert copy.organizer.address == ADELE
    assert copy.ical_uid == created.ical_uid


async def test_retried_create_with_the_same_transaction_id_books_once(
    graph: GraphTenantClient,
):
    # when
    first = await graph.create_event(ADELE, draft("Once"), "tx-once")
    second = await graph.create_event(ADELE, draft("Once"), "tx-once")

    # then
    assert first.id == second.id
    assert len(await graph.fetch_calendar_view(ADELE, *WINDOW)) == 1


async def test_booking_straight_into_the_room_calendar(graph: GraphTenantClient):
    # when
    created = await graph.create_event(ROOM2, draft("Walk-in", room=ROOM2), "tx-walk")

    # then
    view = await graph.fetch_calendar_view(ROOM2, *WINDOW)
    assert [e.id for e in view] == [created.id]
    assert created.attendees == ()
    assert created.location_emails == (ROOM2,)


async def test_delta_gives_everything_first_then_only_changes(graph: GraphTenantClient):
    # given
    kept = await graph.create_event(MEGAN, draft("Kept", room=None), "tx-1")
    gone = await graph.create_event(MEGAN, draft("Gone", 2, room=None), "tx-2")

    # when
    full = await graph.fetch_calendar_changes(MEGAN, *WINDOW, None, page_size=10)
    moved = await graph.update_event(
        MEGAN,
        kept.id,
        EventChanges(
            subject="Kept (moved)",
            start=MONDAY + timedelta(hours=4),
            end=MONDAY + timedelta(hours=5),
        ),
    )
    assert await graph.delete_event(MEGAN, gone.id)
    added = await graph.create_event(MEGAN, draft("Added", 6, room=None), "tx-3")
    changes = await graph.fetch_calendar_changes(MEGAN, *WINDOW, full.delta_link, 10)

    # then
    assert {e.subject for e in full.updates} == {"Kept", "Gone"}
    assert {e.id: e.subject for e in changes.updates} == {
        moved.id: "Kept (moved)",
        added.id: "Added",
    }
    assert changes.removed_ids == (gone.id,)
    assert changes.delta_link != full.delta_link


async def test_delta_pages_carry_the_delta_link_only_at_the_end(
    graph: GraphTenantClient,
):
    # given
    for hour in range(5):
        await graph.create_event(
            MEGAN, draft(f"M{hour}", hour, room=None), f"tx-{hour}"
        )

    # when
    pages = [p async for p in graph.iter_calendar_changes(MEGAN, *WINDOW, page_size=2)]

    # then
    assert len(pages) >= 3
    assert all(p.delta_link is None and p.next_link for p in pages[:-1])
    assert pages[-1].delta_link
    assert pages[-1].next_link is None
    assert sum(len(p.updates) for p in pages) == 5


async def test_forgotten_delta_token_raises_delta_expired(
    emulated: Emulated, graph: GraphTenantClient
):
    # given
    full = await graph.fetch_calendar_changes(ROOM1, *WINDOW)
    await emulated.control.post(
        "/_emulator/delta-tokens/invalidate",
        json={"tenantId": TENANT_ID, "mailbox": ROOM1},
    )

    # when / then
    with pytest.raises(DeltaExpiredError):
        await graph.fetch_calendar_changes(ROOM1, *WINDOW, full.delta_link)


async def test_cancelled_meeting_leaves_the_room_calendar(graph: GraphTenantClient):
    # given
    created = await graph.create_event(ADELE, draft("Cancel me"), "tx-cancel")
    await eventually(lambda: room_copy(graph, ROOM1, "Cancel me"))

    # when
    assert await graph.cancel_event(ADELE, created.id, "Not needed")

    # then
    async def room_freed() -> None:
        active = [
            e
            for e in await graph.fetch_calendar_view(ROOM1, *WINDOW)
            if not e.is_cancelled
        ]
        assert active == []

    await eventually(room_freed)
    assert await graph.fetch_event(ADELE, created.id) is None


async def test_room_declines_a_booking_in_its_own_calendar(graph: GraphTenantClient):
    # given
    created = await graph.create_event(ADELE, draft("Decline me"), "tx-decline")
    copy = await eventually(lambda: room_copy(graph, ROOM1, "Decline me"))

    # when
    assert await graph.decline_event(ROOM1, copy.id, "Room closed")

    # then
    async def organizer_sees_decline() -> None:
        event = await graph.fetch_event(ADELE, created.id)
        assert event is not None
        assert event.attendee(ROOM1).response is ResponseKind.DECLINED

    await eventually(organizer_sees_decline)


async def test_deleting_twice_is_harmless(graph: GraphTenantClient):
    # given
    created = await graph.create_event(MEGAN, draft("Twice", room=None), "tx-twice")

    # when
    first, second = (
        await graph.delete_event(MEGAN, created.id),
        await graph.delete_event(MEGAN, created.id),
    )

    # then
    assert (first, second) == (True, False)


async def test_free_busy_shows_a_booked_room_busy(graph: GraphTenantClient):
    # given
    await graph.create_event(ROOM2, draft("Busy", room=ROOM2), "tx-busy")

    # when
    (schedule,) = await graph.fetch_schedule(
        [ROOM2], MONDAY, MONDAY + timedelta(hours=2), 30
    )

    # then
    assert schedule.email == ROOM2
    assert schedule.availability_view.startswith("2")
    assert schedule.items[0].status is ShowAs.BUSY
