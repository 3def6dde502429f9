"""roomBookings and tenantSync push changes; a revoked display's feed ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from websockets.exceptions import ConnectionClosed

from tests.displays.live_client import subscribe
from tests.displays.signage import operation, pair_display
from tests.factories import make_booking, make_room, make_tenant, make_token

pytestmark = pytest.mark.anyio

UPDATE_ROOM = (
    "mutation U($id: ID!) { updateRoom(id: $id, input: {capacity: 9}) { room { id } } }"
)
REVOKE = "mutation R($id: ID!) { revokeDisplay(id: $id) { display { id } } }"
DISPLAYS = "{ displays { id } }"
TENANT_SYNC = "subscription T($t: ID!) { tenantSync(tenantId: $t) { kind roomId tenant { name } } }"


async def test_room_bookings_pushes_the_day_again_after_a_change(
    server, api, session, clock
) -> None:
    # given a display watching its room
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    variables = {"roomId": room.id}
    async with subscribe(server, token, operation("RoomDayLive"), variables) as feed:
        first = (await feed.next())["data"]["roomBookings"]
        # when a booking appears and the room's change is published
        await make_booking(
            session, room, clock.now + timedelta(minutes=5), subject="Standup"
        )
        api.data(UPDATE_ROOM, {"id": room.id}, token=admin)
        second = (await feed.next())["data"]["roomBookings"]
    # then
    assert first["bookings"] == []
    assert first["status"] == {"state": "FREE", "until": None}
    assert [b["subject"] for b in second["bookings"]] == ["Standup"]
    assert second["status"]["state"] == "STARTING_SOON"


async def test_a_revoked_displays_live_feed_ends(server, api, session) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    (display,) = api.data(DISPLAYS, token=admin)["displays"]
    variables = {"roomId": room.id}
    async with subscribe(server, token, operation("RoomDayLive"), variables) as feed:
        await feed.next()
        # when
        api.data(REVOKE, {"id": display["id"]}, token=admin)
        try:
            ended: dict | None = await feed.next()
        except ConnectionClosed:  # the socket closed first (test_revocation.py)
            ended = None
    # then
    if ended is not None:
        assert ended["data"] is None
        assert ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_tenant_sync_tells_admins_what_changed(server, api, session) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    async with subscribe(server, admin, TENANT_SYNC, {"t": tenant.id}) as feed:
        first = (await feed.next())["data"]["tenantSync"]
        # when
        pair_display(api, admin, room.id)
        second = (await feed.next())["data"]["tenantSync"]
    # then
    assert first == {
        "kind": "subscribed",
        "roomId": None,
        "tenant": {"name": "Contoso"},
    }
    assert second["kind"] == "display"


HIDE_SUBJECTS = (
    "mutation H($t: ID!) { updateTenantSettings(tenantId: $t, "
    "input: {showSubject: false}) { settings { showSubject } } }"
)
MOVE_ROOM = (
    "mutation M($id: ID!, $zone: String!) "
    "{ updateRoom(id: $id, input: {timeZone: $zone}) { room { id } } }"
)


async def test_displays_and_admins_of_one_room_each_get_their_own_view_of_a_change(
    server, api, session, clock
) -> None:
    # given a tenant that hides subjects on displays, a meeting in the room,
    # two displays and an admin watching it with the same operation
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    api.data(HIDE_SUBJECTS, {"t": tenant.id}, token=admin)
    await make_booking(session, room, clock.now + timedelta(hours=1), subject="Board")
    displays = [pair_display(api, admin, room.id) for _ in range(2)]
    live, variables = operation("RoomDayLive"), {"roomId": room.id}
    async with (
        subscribe(server, displays[0], live, variables) as first_display,
        subscribe(server, displays[1], live, variables) as second_display,
        subscribe(server, admin, live, variables) as admin_feed,
    ):
        feeds = [first_display, second_display, admin_feed]
        before = [(await feed.next())["data"]["roomBookings"] for feed in feeds]
        # when the room moves to another time zone
        api.data(MOVE_ROOM, {"id": room.id, "zone": "America/New_York"}, token=admin)
        after = [(await feed.next())["data"]["roomBookings"] for feed in feeds]
    # then every one gets the new day, the displays without the subject
    assert len({day["start"] for day in before}) == 1
    assert {day["start"] for day in after} == {"2026-11-23T05:00:00+00:00"}
    for days in (before, after):
        shown = [[b["subject"] for b in day["bookings"]] for day in days]
        assert shown == [[None], [None], ["Board"]]


async def test_a_display_is_told_when_its_room_starts_soon(
    server, api, session, clock
) -> None:
    # given a meeting a second more than ten minutes away
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    start = clock.now + timedelta(minutes=10, seconds=1)
    await make_booking(session, room, start, subject="Review")
    variables = {"roomId": room.id}
    async with subscribe(server, token, operation("RoomDayLive"), variables) as feed:
        first = (await feed.next())["data"]["roomBookings"]["status"]
        # when the clock passes "starting soon" (and nothing else changes)
        clock.now += timedelta(seconds=2)
        second = (await feed.next())["data"]["roomBookings"]["status"]
    # then the display hears it without waiting for the meeting's start
    assert first["state"] == "FREE"
    assert second == {"state": "STARTING_SOON", "until": start.isoformat()}


async def test_revoking_one_display_leaves_the_rooms_other_display_live(
    server, api, session, clock
) -> None:
    # given two displays of one room, both live
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    kept = pair_display(api, admin, room.id)
    (kept_display,) = api.data(DISPLAYS, token=admin)["displays"]
    revoked = pair_display(api, admin, room.id)
    (revoked_id,) = {d["id"] for d in api.data(DISPLAYS, token=admin)["displays"]} - {
        kept_display["id"]
    }
    live, variables = operation("RoomDayLive"), {"roomId": room.id}
    async with (
        subscribe(server, kept, live, variables) as kept_feed,
        subscribe(server, revoked, live, variables) as revoked_feed,
    ):
        await kept_feed.next()
        await revoked_feed.next()
        # when the second is revoked, then a meeting is booked in the room
        api.data(REVOKE, {"id": revoked_id}, token=admin)
        ended = await revoked_feed.next()
        await make_booking(session, room, clock.now + timedelta(hours=1))
        api.data(UPDATE_ROOM, {"id": room.id}, token=admin)
        push = await kept_feed.next()
    # then only the revoked one's feed ended; the other shows the meeting
    assert ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "errors" not in push
    assert push["data"]["roomBookings"]["roomId"] == room.id
    assert len(push["data"]["roomBookings"]["bookings"]) == 1
