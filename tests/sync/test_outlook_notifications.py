"""Meetings made in Outlook show in Transom within 2 s, through change notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.emulator.graph_clients import graph_client
from tests.sync.harness import address, control, eventually
from tests.sync.outlook import book, cancel, move

pytestmark = pytest.mark.anyio

AURORA = address("aurora")
ADELE = address("adele")


def tomorrow(hour: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def linked_room(api, mailbox: str = AURORA) -> str:
    await api.connect()
    rooms = await api.import_rooms()
    room = await api.link(rooms[mailbox], mailbox)
    assert room["linkState"] == "VERIFIED", room
    await api.in_sync(room["id"])
    return str(room["id"])


async def test_meeting_created_moved_and_cancelled_in_outlook_shows_within_2_s(
    api, emulator
):
    # given
    room_id = await linked_room(api)
    room = await api.room(room_id)
    assert room["sync"]["mode"] == "NOTIFICATIONS"
    start = tomorrow(10)

    async with graph_client(emulator.url) as outlook:
        # when: created
        event = await book(
            outlook,
            ADELE,
            "Budget review",
            start,
            start + timedelta(hours=1),
            (AURORA,),
        )

        # then
        async def one_booking():
            found = [
                b for b in await api.bookings(room_id) if b["state"] != "CANCELLED"
            ]
            return found if len(found) == 1 else None

        [booking] = await eventually(one_booking, 2.0, "meeting appears")
        assert booking["subject"] == "Budget review"
        assert booking["organizer"] == {
            "name": "Adele Vance",
            "email": ADELE,
            "anonymous": False,
        }
        assert booking["source"] == "OUTLOOK"
        assert booking["state"] == "CONFIRMED"

        # when: moved
        later = start + timedelta(hours=3)
        await move(outlook, ADELE, event.id, later, later + timedelta(hours=1))

        # then
        async def moved():
            found = await api.bookings(room_id)
            return [
                b for b in found if b["start"].startswith(later.strftime("%Y-%m-%dT%H"))
            ]

        await eventually(moved, 2.0, "meeting moved")
        assert len(await api.bookings(room_id)) == 1

        # when: cancelled
        await cancel(outlook, ADELE, event.id)

        # then
        async def cancelled():
            found = await api.bookings(room_id)
            return found if found and found[0]["state"] == "CANCELLED" else None

        await eventually(cancelled, 2.0, "meeting cancelled")
    subs = await control(emulator.url, "GET", "/subscriptions")
    assert [s["resource"] for s in subs["value"]] == [f"users/{AURORA}/events"] or len(
        subs["value"]
    ) == 1
