"""Faults: access policies, an expired secret, a 429 storm."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.emulator.graph_clients import graph_client
from tests.sync.harness import TEST, address, control, eventually
from tests.sync.outlook import book, move
from tests.sync.test_outlook_notifications import ADELE, AURORA, linked_room, tomorrow
from transom.emulator import CLIENT_ID, TENANT_ID
from transom.emulator.seeds import SECRET_ID

pytestmark = pytest.mark.anyio

APP = f"/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
BOREALIS = address("borealis")
SYNC_ROOM = "mutation ($id: ID!) { syncRoom(roomId: $id) { room { id } } }"


async def test_an_access_policy_fails_the_link_with_a_hint(api, emulator):
    # given
    await api.connect()
    rooms = await api.import_rooms()
    await control(emulator.url, "PUT", f"{APP}/access-policy", mailboxes=[BOREALIS])

    # when
    room = await api.link(rooms[AURORA], AURORA)

    # then
    assert room["linkState"] == "FAILED"
    assert room["linkErrorCode"] == "ACCESS_DENIED"
    assert "application access policy" in room["linkHint"]


async def test_an_access_policy_on_a_linked_room_shows_on_the_room(api, emulator):
    # given
    room_id = await linked_room(api)
    await control(emulator.url, "PUT", f"{APP}/access-policy", mailboxes=[BOREALIS])

    # when
    await api.data(SYNC_ROOM, id=room_id)

    # then
    async def denied():
        sync = (await api.room(room_id))["sync"]
        return sync if sync["status"] == "ACCESS_DENIED" else None

    sync = await eventually(denied, 5, "access denied shown")
    assert sync["errorCode"] == "ErrorAccessDenied"
    assert "access policy" in sync["hint"]


async def test_a_missing_mailbox_fails_the_link(api):
    # given
    await api.connect()
    rooms = await api.import_rooms()

    # when
    room = await api.link(rooms[AURORA], address("nobody"))

    # then
    assert room["linkState"] == "FAILED"
    assert room["linkErrorCode"] == "NO_SUCH_MAILBOX"


async def test_a_user_mailbox_is_not_a_resource(api):
    # given
    await api.connect()
    rooms = await api.import_rooms()

    # when
    room = await api.link(rooms[AURORA], ADELE)

    # then
    assert room["linkState"] == "FAILED"
    assert room["linkErrorCode"] == "NOT_A_RESOURCE"


async def test_an_expired_secret_stops_sync_and_a_new_one_resumes_it(api, emulator):
    # given: in sync; the saved secret expires, a new one exists in Entra ID
    room_id = await linked_room(api)
    fresh = await control(emulator.url, "POST", f"{APP}/secrets", days=365)
    await control(emulator.url, "POST", f"{APP}/secrets/{SECRET_ID}/expire")

    # when: the connection is checked
    test = (await api.data(TEST, id=api.tenant_id))["testTenantConnection"][
        "connectionTest"
    ]

    # then: SECRET_EXPIRED with the code and hint, and the room's loop stops
    assert test["status"] == "SECRET_EXPIRED"
    assert test["code"] == "7000222"

    async def stopped():
        sync = (await api.room(room_id))["sync"]
        return sync if sync["status"] == "STOPPED" else None

    await eventually(stopped, 5, "loop stopped")

    # when: a meeting is booked meanwhile, then the admin saves the new secret
    start = tomorrow(11)
    async with graph_client(emulator.url, secret=fresh["value"]) as outlook:
        await book(
            outlook, ADELE, "While away", start, start + timedelta(hours=1), (AURORA,)
        )
    result = await api.connect(secret=fresh["value"])

    # then: sync resumes by itself and nothing was lost
    assert result["status"] == "CONNECTED"

    async def arrived():
        found = await api.bookings(room_id)
        return [b for b in found if b["subject"] == "While away"]

    await eventually(arrived, 10, "meeting made while stopped")
    assert (await api.room(room_id))["sync"]["status"] == "IN_SYNC"


async def test_a_429_storm_delays_but_loses_nothing(api, emulator):
    # given
    room_id = await linked_room(api)
    await control(
        emulator.url,
        "POST",
        "/faults",
        throttleShare=0.7,
        retryAfterSeconds=1,
        mailbox=AURORA,
        seed=4,
    )

    # when
    async with graph_client(emulator.url) as outlook:
        for n in range(3):
            start = tomorrow(8 + 2 * n)
            await book(
                outlook,
                ADELE,
                f"Storm {n}",
                start,
                start + timedelta(hours=1),
                (AURORA,),
            )

    # then
    async def all_three():
        found = {b["subject"] for b in await api.bookings(room_id)}
        return found if found == {"Storm 0", "Storm 1", "Storm 2"} else None

    await eventually(all_three, 60, "every meeting despite throttling")
    await control(emulator.url, "DELETE", "/faults")
    assert len(await api.bookings(room_id)) == 3


async def test_a_failed_subject_lookup_keeps_the_subject_transom_knows(api, emulator):
    # given: a meeting Adele booked in Outlook, shown with its real subject
    # although the room's copy carries her name instead
    room_id = await linked_room(api)
    start = tomorrow(9)
    async with graph_client(emulator.url) as outlook:
        event = await book(
            outlook,
            ADELE,
            "Budget review",
            start,
            start + timedelta(hours=1),
            (AURORA,),
        )

        async def real_subject_shown():
            found = await shown_at(api, room_id, start)
            return found if found and found[0]["subject"] == "Budget review" else None

        await eventually(real_subject_shown, 30, "the real subject shown")

        # when: every read of Adele's mailbox fails (so her subject cannot be
        # looked up) while she moves the meeting
        await control(
            emulator.url,
            "POST",
            "/faults",
            unavailableShare=1.0,
            mailbox=ADELE,
            httpMethod="GET",
        )
        later = start + timedelta(minutes=30)
        assert event.id is not None
        await move(outlook, ADELE, event.id, later, later + timedelta(hours=1))

        # then: the move shows, and the subject stays the one Transom knew
        try:
            moved = await eventually(
                lambda: shown_at(api, room_id, later), 60, "the move synced"
            )
        finally:
            await control(emulator.url, "DELETE", "/faults")
    assert [b["subject"] for b in moved] == ["Budget review"]


async def shown_at(api, room_id: str, begins: datetime):
    """The room's live bookings that start at ``begins``; None when there are none."""
    found = [
        b
        for b in await api.bookings(room_id)
        if datetime.fromisoformat(b["start"]) == begins and b["state"] != "CANCELLED"
    ]
    return found or None
