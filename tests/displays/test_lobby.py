"""Lobby displays over the API: pairing to a building (or floor), what the
token may read, and the building's one live subscription."""

from __future__ import annotations

from datetime import timedelta

import pytest
from websockets.exceptions import ConnectionClosed

from tests.displays.live_client import subscribe
from tests.displays.lobby import PAIR_LOBBY, pair_lobby
from tests.displays.signage import (
    operation,
    pair_display,
    pair_room_display,
    request_pairing,
)
from tests.factories import make_booking, make_room, make_tenant, make_token

pytestmark = pytest.mark.anyio

UPDATE_ROOM = (
    "mutation U($id: ID!) { updateRoom(id: $id, input: {capacity: 9}) { room { id } } }"
)
MOVE_ROOM = (
    "mutation M($id: ID!, $b: String!) "
    "{ updateRoom(id: $id, input: {building: $b}) { room { id } } }"
)
REVOKE = "mutation R($id: ID!) { revokeDisplay(id: $id) { display { id } } }"
HIDE_SUBJECTS = (
    "mutation H($t: ID!) { updateTenantSettings(tenantId: $t, "
    "input: {showSubject: false}) { settings { showSubject } } }"
)
DISPLAYS = "{ displays { name building floor roomId room { name } } }"


def code_of(result: dict | list) -> str:
    """The first error's code of an answer (or of a stream's error message)."""
    errors = result if isinstance(result, list) else result["errors"]
    return str(errors[0]["extensions"]["code"])


def names(day: dict) -> list[str]:
    return [room["name"] for room in day["rooms"]]


async def _campus(session):
    """North: Aurora (floor 1), Borealis (floor 2); South: Cirrus. An admin."""
    tenant = await make_tenant(session)
    aurora = await make_room(session, tenant, "Aurora")
    borealis = await make_room(session, tenant, "Borealis")
    borealis.floor = "2"
    cirrus = await make_room(session, tenant, "Cirrus", building="South")
    await session.commit()
    admin = await make_token(session, tenant)
    return tenant, (aurora, borealis, cirrus), admin


async def test_a_lobby_display_paired_to_a_building_shows_every_room_of_it(
    api, session
) -> None:
    # given
    _, _, admin = await _campus(session)
    # when
    token, answer = pair_lobby(api, admin, "North")
    home = api.data(operation("LobbyHome"), token=token)["thisLobby"]
    day = api.data(operation("BuildingDay"), {"building": "North"}, token=token)
    # then
    assert answer["userErrors"] == []
    assert answer["display"] == {
        "id": home["id"],
        "name": "North",
        "state": "PAIRED",
        "building": "North",
        "floor": None,
        "roomId": None,
    }
    assert (home["building"], home["floor"], home["language"]) == ("North", None, "EN")
    assert names(day["buildingDay"]) == ["Aurora", "Borealis"]
    (listed,) = api.data(DISPLAYS, token=admin)["displays"]
    assert listed == {
        "name": "North",
        "building": "North",
        "floor": None,
        "roomId": None,
        "room": None,
    }


async def test_a_lobby_token_is_refused_for_another_building_and_any_one_room(
    api, session
) -> None:
    # given a lobby display of North
    _, (aurora, _, cirrus), admin = await _campus(session)
    token, _ = pair_lobby(api, admin, "North")

    def run(name: str, variables: dict | None = None) -> dict:
        return api.post(operation(name), variables or {}, token=token)

    # when / then: another building is not found, like another tenant's room
    assert code_of(run("BuildingDay", {"building": "South"})) == "NOT_FOUND"
    # a room's own operations, even for a room of its building
    assert code_of(run("RoomDay", {"roomId": aurora.id})) == "NOT_FOUND"
    assert code_of(run("RoomDay", {"roomId": cirrus.id})) == "NOT_FOUND"
    assert code_of(run("DisplayHome")) == "FORBIDDEN"
    booked = run("BookNow", {"roomId": aurora.id, "minutes": 15})["data"]["bookNow"]
    assert booked["booking"] is None
    assert [e["code"] for e in booked["userErrors"]] == ["NOT_FOUND"]
    # and documents that are not the signage operations
    assert code_of(api.post("{ rooms { id } }", token=token)) == "FORBIDDEN"
    live = operation("RoomDayLive")
    async with subscribe(api.base_url, token, live, {"roomId": aurora.id}) as feed:
        refused = await feed.next()
    assert code_of(refused) == "NOT_FOUND"


async def test_a_door_displays_token_is_refused_the_building_operations(
    api, session
) -> None:
    # given a door display of Aurora, in North
    _, (aurora, _, _), admin = await _campus(session)
    token = pair_display(api, admin, aurora.id)
    variables = {"building": "North"}
    # when
    day = api.post(operation("BuildingDay"), variables, token=token)
    home = api.post(operation("LobbyHome"), token=token)
    live = operation("BuildingDayLive")
    async with subscribe(api.base_url, token, live, variables) as feed:
        refused = await feed.next()
    # then
    assert code_of(day) == "FORBIDDEN"
    assert code_of(home) == "FORBIDDEN"
    assert code_of(refused) == "FORBIDDEN"


async def test_a_floor_lobby_sees_its_floor_only(api, session) -> None:
    # given a lobby display of North's floor 2
    _, _, admin = await _campus(session)
    token, answer = pair_lobby(api, admin, "North", "2")
    # when
    floor = api.data(
        operation("BuildingDay"), {"building": "North", "floor": "2"}, token=token
    )
    whole = api.post(operation("BuildingDay"), {"building": "North"}, token=token)
    other = api.post(
        operation("BuildingDay"), {"building": "North", "floor": "1"}, token=token
    )
    # then
    assert answer["display"]["name"] == "North, floor 2"
    assert names(floor["buildingDay"]) == ["Borealis"]
    assert code_of(whole) == "NOT_FOUND"
    assert code_of(other) == "NOT_FOUND"


async def test_pairing_to_a_building_without_rooms_is_refused_beside_its_field(
    api, session
) -> None:
    # given
    _, _, admin = await _campus(session)
    # when
    code = request_pairing(api)["code"]
    variables = {"code": code, "building": "Atlantis"}
    answer = api.post(PAIR_LOBBY, variables, token=admin)["data"]["pairLobbyDisplay"]
    # then
    assert answer["display"] is None
    (error,) = answer["userErrors"]
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", ["building"])


async def test_one_subscription_follows_every_room_of_the_building(
    api, session, clock
) -> None:
    # given a lobby display of North, with subjects hidden on displays
    tenant, (_, borealis, cirrus), admin = await _campus(session)
    api.data(HIDE_SUBJECTS, {"t": tenant.id}, token=admin)
    token, _ = pair_lobby(api, admin, "North")
    live = operation("BuildingDayLive")
    async with subscribe(api.base_url, token, live, {"building": "North"}) as feed:
        first = (await feed.next())["data"]["buildingBookings"]
        # when a meeting appears in Borealis and its change is published
        await make_booking(
            session, borealis, clock.now - timedelta(minutes=5), 30, subject="Board"
        )
        api.data(UPDATE_ROOM, {"id": borealis.id}, token=admin)
        second = (await feed.next())["data"]["buildingBookings"]
        # and when Cirrus moves into North
        api.data(MOVE_ROOM, {"id": cirrus.id, "b": "North"}, token=admin)
        third = (await feed.next())["data"]["buildingBookings"]
    # then Borealis turned busy, its subject hidden as on its door display
    # (its organizer shown, as the tenant allows)
    assert [r["day"]["status"]["state"] for r in first["rooms"]] == ["FREE", "FREE"]
    rooms = {r["name"]: r["day"] for r in second["rooms"]}
    assert rooms["Aurora"]["status"]["state"] == "FREE"
    assert rooms["Borealis"]["status"]["state"] == "BUSY"
    (booking,) = rooms["Borealis"]["bookings"]
    assert booking["subject"] is None
    assert booking["organizer"]["name"] == "Adele Vance"
    # and Cirrus joined, by floor then name
    assert names(third) == ["Aurora", "Cirrus", "Borealis"]


async def test_a_revoked_lobby_displays_feed_ends(api, session) -> None:
    # given
    _, _, admin = await _campus(session)
    token, answer = pair_lobby(api, admin, "North")
    live = operation("BuildingDayLive")
    async with subscribe(api.base_url, token, live, {"building": "North"}) as feed:
        await feed.next()
        # when
        api.data(REVOKE, {"id": answer["display"]["id"]}, token=admin)
        try:
            ended: dict | None = await feed.next()
        except ConnectionClosed:  # the socket closed first
            ended = None
    # then
    if ended is not None:
        assert ended.get("data") is None
    assert code_of(api.post(operation("LobbyHome"), token=token)) == "UNAUTHENTICATED"


PLACE = (
    'mutation P($id: ID!) { updateRoom(id: $id, input: {building: "HQ", '
    'floor: "1"}) { room { id } } }'
)


async def test_a_booking_made_at_a_door_reaches_the_lobby_live(world) -> None:
    # given Room 1 (linked to Exchange) in HQ, a lobby of HQ, Room 1's door display
    world.api.data(PLACE, {"id": world.room_id})
    lobby, _ = pair_lobby(world.api, world.api.token or "", "HQ")
    door = pair_room_display(world.api, world.room_id)
    live = operation("BuildingDayLive")
    async with subscribe(world.api.base_url, lobby, live, {"building": "HQ"}) as feed:
        first = (await feed.next())["data"]["buildingBookings"]
        # when someone books it at the door (announced on the room's channel only)
        variables = {"roomId": world.room_id, "minutes": 30}
        world.api.data(operation("BookNow"), variables, token=door)
        second = (await feed.next(10))["data"]["buildingBookings"]
    # then the lobby shows it busy at once, still waiting for Exchange
    (before,) = first["rooms"]
    (after,) = second["rooms"]
    assert before["day"]["status"]["state"] == "FREE"
    assert after["day"]["status"]["state"] == "BUSY"
    (booking,) = after["day"]["bookings"]
    assert (booking["state"], booking["source"]) == ("PENDING", "DISPLAY")


async def test_lobbies_and_admins_of_one_building_each_get_their_own_view(
    api, session, clock
) -> None:
    # given subjects hidden on displays, two lobbies of North and an admin
    # following North with the same operation
    tenant, (aurora, _, _), admin = await _campus(session)
    api.data(HIDE_SUBJECTS, {"t": tenant.id}, token=admin)
    lobbies = [pair_lobby(api, admin, "North")[0] for _ in range(2)]
    live, variables = operation("BuildingDayLive"), {"building": "North"}
    async with (
        subscribe(api.base_url, lobbies[0], live, variables) as first_lobby,
        subscribe(api.base_url, lobbies[1], live, variables) as second_lobby,
        subscribe(api.base_url, admin, live, variables) as admin_feed,
    ):
        feeds = [first_lobby, second_lobby, admin_feed]
        for feed in feeds:
            await feed.next()
        # when a meeting appears in Aurora
        await make_booking(
            session, aurora, clock.now + timedelta(hours=1), subject="Board"
        )
        api.data(UPDATE_ROOM, {"id": aurora.id}, token=admin)
        after = [(await feed.next())["data"]["buildingBookings"] for feed in feeds]
    # then
    subjects = [
        [b["subject"] for b in day["rooms"][0]["day"]["bookings"]] for day in after
    ]
    assert subjects == [[None], [None], ["Board"]]
    assert after[0] == after[1]
