"""A door display's RoomDay is answered from the room's kept day and kept token:
what a display is shown still changes at once when the room, its bookings or the
tenant's privacy settings change, and a revoked display is refused at once, in
one process and across two sharing PostgreSQL and an event bus."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta
from typing import Any

import anyio
import pytest

from tests.displays.live_client import subscribe
from tests.displays.signage import operation, pair_display
from tests.emulator.core_directory import eventually
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.processes import transom_serve
from tests.pubsub.backends import pubsub_url
from transom.db import models

pytestmark = pytest.mark.anyio

ROOM_DAY = operation("RoomDay")
BOOK_NOW = operation("BookNow")
REVOKE = "mutation R($id: ID!) { revokeDisplay(id: $id) { display { id } } }"
HIDE_SUBJECTS = """mutation H($t: ID!) {
  updateTenantSettings(tenantId: $t, input: {showSubject: false}) {
    settings { showSubject } } }"""
RENAME_ROOM = """mutation U($id: ID!, $zone: String!) {
  updateRoom(id: $id, input: {timeZone: $zone}) { room { id } } }"""


async def linked_room(session, tenant) -> models.Room:
    """A room whose Exchange mailbox is verified (so it can be booked)."""
    room = await make_room(session, tenant)
    room.link_state = "VERIFIED"
    await session.commit()
    return room


def day(api: GraphQLClient, token: str, room_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.data(ROOM_DAY, {"roomId": room_id}, token=token)[
        "roomDay"
    ]
    return found


def display_id(api: GraphQLClient, token: str) -> str:
    home = api.data(operation("DisplayHome"), token=token)
    return str(home["thisDisplay"]["id"])


def subjects(shown: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(b["subject"], b["state"]) for b in shown["bookings"]]


async def test_a_booking_made_at_the_door_shows_in_the_next_room_day_at_once(
    api, session, clock
) -> None:
    # given two displays of a room that have each fetched its day twice
    tenant = await make_tenant(session)
    room = await linked_room(session, tenant)
    await make_booking(session, room, clock.now + timedelta(hours=2), subject="Demo")
    admin = await make_token(session, tenant)
    first, second = (pair_display(api, admin, room.id) for _ in range(2))
    for token in (first, second, first, second):
        assert subjects(day(api, token, room.id)) == [("Demo", "CONFIRMED")]
    # when someone books 30 minutes at the first one
    booked = api.data(BOOK_NOW, {"roomId": room.id, "minutes": 30}, token=first)
    # then both show it at once, and the room busy
    for token in (first, second):
        shown = day(api, token, room.id)
        assert subjects(shown) == [
            ("Booked at the door", "PENDING"),
            ("Demo", "CONFIRMED"),
        ]
        assert shown["bookings"][0]["id"] == booked["bookNow"]["booking"]["id"]
        assert shown["status"]["state"] == "BUSY"


async def test_a_room_day_says_when_its_data_was_read(api, session, clock) -> None:
    # given a display that read its room's day
    tenant = await make_tenant(session)
    room = await linked_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    read_at = clock.now
    first = day(api, token, room.id)
    # when it reads again five minutes later, nothing having changed
    clock.now += timedelta(minutes=5)
    again = day(api, token, room.id)
    # and again after a booking at the door
    api.data(BOOK_NOW, {"roomId": room.id, "minutes": 30}, token=token)
    booked = day(api, token, room.id)
    # then the kept day is as of its read, and the day with the booking later
    assert datetime.fromisoformat(first["asOf"]) == read_at
    assert again["asOf"] == first["asOf"]
    assert datetime.fromisoformat(booked["asOf"]) == clock.now


async def test_a_room_changed_by_an_admin_shows_in_the_next_room_day(
    api, session
) -> None:
    # given a display that fetched its day
    tenant = await make_tenant(session)
    room = await linked_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    before = day(api, token, room.id)
    assert day(api, token, room.id) == before
    # when an admin moves the room to another time zone
    api.data(RENAME_ROOM, {"id": room.id, "zone": "Pacific/Auckland"}, token=admin)
    # then its day starts at Auckland's midnight
    assert day(api, token, room.id)["start"] != before["start"]


async def test_a_revoked_display_is_refused_at_once_though_its_day_was_kept(
    api, session
) -> None:
    # given two displays of a room that have fetched its day
    tenant = await make_tenant(session)
    room = await linked_room(session, tenant)
    admin = await make_token(session, tenant)
    revoked, other = (pair_display(api, admin, room.id) for _ in range(2))
    for token in (revoked, other, revoked):
        day(api, token, room.id)
    # when an admin revokes the first
    api.data(REVOKE, {"id": display_id(api, revoked)}, token=admin)
    # then its next request is refused, and the other display still gets the day
    variables = {"roomId": room.id}
    assert api.error_codes(ROOM_DAY, variables, token=revoked) == ["UNAUTHENTICATED"]
    assert day(api, other, room.id)["roomId"] == room.id


async def test_hiding_subjects_hides_them_on_the_kept_day_and_the_live_feed_at_once(
    api, server, session, clock
) -> None:
    # given a display showing a meeting's subject, fetched and followed live
    tenant = await make_tenant(session)
    room = await linked_room(session, tenant)
    await make_booking(session, room, clock.now + timedelta(hours=1), subject="Board")
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    assert subjects(day(api, token, room.id)) == [("Board", "CONFIRMED")]
    assert subjects(day(api, token, room.id)) == [("Board", "CONFIRMED")]
    variables = {"roomId": room.id}
    async with subscribe(server, token, operation("RoomDayLive"), variables) as feed:
        first = await feed.next()
        assert subjects(first["data"]["roomBookings"]) == [("Board", "CONFIRMED")]
        # when an admin hides subjects from door displays
        await anyio.to_thread.run_sync(
            lambda: api.data(HIDE_SUBJECTS, {"t": tenant.id}, token=admin)
        )
        # then the live feed pushes the day without it, and so does RoomDay
        pushed = await feed.next()
        assert subjects(pushed["data"]["roomBookings"]) == [(None, "CONFIRMED")]
    assert subjects(day(api, token, room.id)) == [(None, "CONFIRMED")]


async def test_an_admin_still_sees_the_subjects_a_display_may_not(
    api, session, clock
) -> None:
    # given a tenant hiding subjects from displays, and a display's kept day
    tenant = await make_tenant(session)
    room = await linked_room(session, tenant)
    await make_booking(session, room, clock.now + timedelta(hours=1), subject="Board")
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    api.data(HIDE_SUBJECTS, {"t": tenant.id}, token=admin)
    assert subjects(day(api, token, room.id)) == [(None, "CONFIRMED")]
    # when an admin asks for the same day
    shown = api.data(ROOM_DAY, {"roomId": room.id}, token=admin)["roomDay"]
    # then the admin sees it unmasked (the kept day is per kind of viewer)
    assert subjects(shown) == [("Board", "CONFIRMED")]


@pytest.mark.parametrize("backend", ["redis", "postgresql"])
async def test_two_processes_keep_the_day_and_the_token_correct(
    backend, database_url, session, tmp_path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("processes share PostgreSQL")
    # given a display whose day and token the second process keeps
    env = {
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_PUBSUB_URL": pubsub_url(backend),
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
    }
    tenant = await make_tenant(session)
    room = await linked_room(session, tenant)
    admin = await make_token(session, tenant)
    with ExitStack() as stack:
        first = stack.enter_context(transom_serve(env, tmp_path / "a")).url
        second = stack.enter_context(transom_serve(env, tmp_path / "b")).url
        one = stack.enter_context(GraphQLClient(first, admin))
        two = stack.enter_context(GraphQLClient(second))
        token = pair_display(one, admin, room.id)
        assert day(two, token, room.id)["bookings"] == []
        assert day(two, token, room.id)["bookings"] == []
        # when the display books the room through the first process
        one.data(BOOK_NOW, {"roomId": room.id, "minutes": 30}, token=token)

        # then the second shows the booking (once the event crossed the bus)
        async def booked() -> None:
            shown = day(two, token, room.id)
            assert subjects(shown) == [("Booked at the door", "PENDING")]

        await eventually(booked, within=5)
        # and when an admin revokes the display through the first process
        one.data(REVOKE, {"id": display_id(one, token)})

        # then the second refuses its kept token
        async def refused() -> None:
            codes = two.error_codes(ROOM_DAY, {"roomId": room.id}, token=token)
            assert codes == ["UNAUTHENTICATED"]

        await eventually(refused, within=5)
