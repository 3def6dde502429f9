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


async def test_a_removed_subscription_is_recreated_and_changes_keep_coming(
    api, emulator
):
    # given
    room_id = await linked_room(api)
    [old] = (await control(emulator.url, "GET", "/subscriptions"))["value"]

    # when: Graph removes it (lifecycle notification subscriptionRemoved)
    await control(emulator.url, "DELETE", f"/subscriptions/{old['id']}")

    # then: a new one replaces it, and notifications flow again
    async def recreated():
        subs = (await control(emulator.url, "GET", "/subscriptions"))["value"]
        return subs if subs and subs[0]["id"] != old["id"] else None

    await eventually(recreated, 5, "subscription recreated")
    start = tomorrow(15)
    async with graph_client(emulator.url) as outlook:
        await book(
            outlook, ADELE, "After", start, start + timedelta(hours=1), (AURORA,)
        )

    async def arrived():
        return [b for b in await api.bookings(room_id) if b["subject"] == "After"]

    await eventually(arrived, 2.0, "meeting after recreation")


async def test_reauthorization_required_is_answered(api, emulator):
    # given
    await linked_room(api)
    [sub] = (await control(emulator.url, "GET", "/subscriptions"))["value"]
    await control(emulator.url, "DELETE", "/stats")

    # when
    await control(
        emulator.url,
        "POST",
        f"/subscriptions/{sub['id']}/lifecycle",
        event="reauthorizationRequired",
    )

    # then
    async def reauthorized():
        stats = (await control(emulator.url, "GET", "/stats"))["requests"]
        return [k for k in stats if k.endswith("/reauthorize")]

    await eventually(reauthorized, 5, "reauthorize called")
