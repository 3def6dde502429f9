"""roomBookings and tenantSync push changes; a revoked display's feed ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.displays.live_client import subscribe
from tests.displays.signage import operation, pair_display
from tests.factories import make_booking, make_room, make_tenant, make_token

pytestmark = pytest.mark.anyio

UPDATE_ROOM = (
    "mutation U($id: ID!) { updateRoom(id: $id, input: {capacity: 9}) { id } }"
)
REVOKE = "mutation R($id: ID!) { revokeDisplay(id: $id) { id } }"
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
        ended = await feed.next()
    # then
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
