"""Linking replaces local bookings with Exchange's; unlinking asks first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.emulator.graph_clients import graph_client
from tests.factories import make_booking
from tests.sync.harness import eventually
from tests.sync.outlook import book
from tests.sync.test_outlook_notifications import ADELE, AURORA, linked_room, tomorrow
from transom.db import models

pytestmark = pytest.mark.anyio

UNLINK = """
mutation ($id: ID!, $confirm: Boolean!) { unlinkRoomMailbox(roomId: $id, confirm: $confirm) {
  removedBookings room { linkState } userErrors { field message code } } }"""
FREE = """
query ($start: DateTime!, $end: DateTime!, $cap: Int) {
  findFreeRooms(start: $start, end: $end, minCapacity: $cap) { name } }"""


async def test_linking_replaces_future_local_bookings_with_the_exchange_calendar(
    api, emulator, session
):
    # given: a room with a local booking, and a meeting in its Exchange calendar
    await api.connect()
    rooms = await api.import_rooms()
    room = await session.get(models.Room, rooms[AURORA])
    assert room is not None
    await make_booking(session, room, datetime.now(UTC) + timedelta(days=2))
    start = tomorrow(10)
    async with graph_client(emulator.url) as outlook:
        await book(outlook, ADELE, "Real", start, start + timedelta(hours=1), (AURORA,))

    # when
    await api.link(room.id, AURORA)

    # then
    async def only_exchange():
        found = await api.bookings(room.id)
        return found if [b["subject"] for b in found] == ["Real"] else None

    await eventually(only_exchange, 5, "Exchange bookings only")


async def test_unlink_needs_confirmation_then_removes_exchange_bookings(api, emulator):
    # given
    room_id = await linked_room(api)
    start = tomorrow(10)
    async with graph_client(emulator.url) as outlook:
        await book(outlook, ADELE, "Gone", start, start + timedelta(hours=1), (AURORA,))
    await eventually(lambda: api.bookings(room_id), 2, "booking synced")

    # when: without confirmation
    body = await api.post(UNLINK, id=room_id, confirm=False)

    # then
    (error,) = body["data"]["unlinkRoomMailbox"]["userErrors"]
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", ["confirm"])
    assert "removes the 1 booking(s) that came from Exchange" in error["message"]

    # when: confirmed
    data = await api.data(UNLINK, id=room_id, confirm=True)

    # then
    assert data["unlinkRoomMailbox"] == {
        "removedBookings": 1,
        "room": {"linkState": "UNLINKED"},
        "userErrors": [],
    }
    assert await api.bookings(room_id) == []
    from tests.sync.harness import control

    assert (await control(emulator.url, "GET", "/subscriptions"))["value"] == []


async def test_find_free_rooms_answers_from_synced_bookings(api, emulator):
    # given: Aurora (8) busy 10-11 tomorrow; Borealis (4) and Cirrus (12) free
    room_id = await linked_room(api)
    start = tomorrow(10)
    async with graph_client(emulator.url) as outlook:
        await book(outlook, ADELE, "Busy", start, start + timedelta(hours=1), (AURORA,))
    await eventually(lambda: api.bookings(room_id), 2, "booking synced")

    # when
    data = await api.data(
        FREE,
        start=(start + timedelta(minutes=30)).isoformat(),
        end=(start + timedelta(hours=2)).isoformat(),
        cap=5,
    )

    # then
    assert [r["name"] for r in data["findFreeRooms"]] == ["Cirrus"]
