from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient

pytestmark = pytest.mark.anyio

ROOMS_WITH_BOOKINGS = """
query ($start: DateTime!, $end: DateTime!) {
  rooms { id name capacity mailbox linkState status { state until }
    bookings(start: $start, end: $end) {
      id subject start end source state isPrivate organizer { name email anonymous } } }
}
"""
CREATE = """
mutation ($input: CreateRoomInput!) { createRoom(input: $input) {
  room { id name } userErrors { field message code } } }
"""
UPDATE = """
mutation ($id: ID!, $input: UpdateRoomInput!) {
  updateRoom(id: $id, input: $input) { room { id name capacity building } } }
"""


def day_range(now: datetime) -> dict[str, str]:
    return {
        "start": (now - timedelta(hours=12)).isoformat(),
        "end": (now + timedelta(hours=12)).isoformat(),
    }


async def test_room_shows_busy_until_back_to_back_meetings_end(
    api: GraphQLClient, session, clock
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    await make_booking(session, room, clock.now - timedelta(minutes=30), 60)
    await make_booking(session, room, clock.now + timedelta(minutes=30), 30)
    token = await make_token(session, tenant)
    # when
    rooms = api.data(ROOMS_WITH_BOOKINGS, day_range(clock.now), token=token)["rooms"]
    # then
    status = rooms[0]["status"]
    assert status["state"] == "BUSY"
    assert datetime.fromisoformat(status["until"]) == clock.now + timedelta(minutes=60)
    assert len(rooms[0]["bookings"]) == 2


async def test_room_is_starting_soon_ten_minutes_before(
    api: GraphQLClient, session, clock
) -> None:
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    await make_booking(session, room, clock.now + timedelta(minutes=8), 30)
    await make_booking(
        session, room, clock.now - timedelta(minutes=60), 30, state="CANCELLED"
    )
    token = await make_token(session, tenant)
    status = api.data("{ rooms { status { state until } } }", token=token)["rooms"][0]
    assert status["status"]["state"] == "STARTING_SOON"


async def test_private_meetings_hide_subject_and_anonymous_hide_organizer(
    api: GraphQLClient, session, clock
) -> None:
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    await make_booking(session, room, clock.now, subject="Layoffs", private=True)
    await make_booking(
        session, room, clock.now + timedelta(hours=2), subject="Visit", anonymous=True
    )
    token = await make_token(session, tenant)
    rooms = api.data(ROOMS_WITH_BOOKINGS, day_range(clock.now), token=token)["rooms"]
    private, anonymous = rooms[0]["bookings"]
    assert private["subject"] is None
    assert private["isPrivate"] is True
    assert anonymous["organizer"] == {"name": None, "email": None, "anonymous": True}
    assert anonymous["subject"] == "Visit"


async def test_times_are_iso_8601_with_offset(
    api: GraphQLClient, session, clock
) -> None:
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    await make_booking(session, room, clock.now)
    token = await make_token(session, tenant)
    booking = api.data(ROOMS_WITH_BOOKINGS, day_range(clock.now), token=token)["rooms"][
        0
    ]["bookings"][0]
    assert booking["start"].endswith("+00:00")
    assert datetime.fromisoformat(booking["start"]) == clock.now


async def test_a_backwards_range_is_bad_input_on_end(
    api: GraphQLClient, session, clock
) -> None:
    tenant = await make_tenant(session)
    await make_room(session, tenant)
    token = await make_token(session, tenant)
    variables = {"start": clock.now.isoformat(), "end": clock.now.isoformat()}
    body = api.post(ROOMS_WITH_BOOKINGS, variables, token=token)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "end"}


async def test_admin_creates_and_edits_a_room(api: GraphQLClient, session) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    created = api.data(
        CREATE, {"input": {"name": " Fjord ", "capacity": 4}}, token=token
    )
    room_id = created["createRoom"]["room"]["id"]
    assert created["createRoom"]["room"]["name"] == "Fjord"
    updated = api.data(
        UPDATE,
        {"id": room_id, "input": {"capacity": 6, "building": "South"}},
        token=token,
    )
    assert updated["updateRoom"]["room"] == {
        "id": room_id,
        "name": "Fjord",
        "capacity": 6,
        "building": "South",
    }


@pytest.mark.parametrize(
    ("room_input", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "X", "capacity": 0}, "capacity"),
        ({"name": "X", "timeZone": "Mars/Olympus"}, "timeZone"),
    ],
)
async def test_bad_room_input_names_the_field(
    api: GraphQLClient, session, room_input, field
) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    refused = api.user_errors(CREATE, {"input": room_input}, token=token)
    assert [(e["code"], e["field"]) for e in refused] == [
        ("BAD_USER_INPUT", ["input", field])
    ]
    assert api.data("{ rooms { name } }", token=token)["rooms"] == []


async def test_rooms_filter_by_building_and_capacity(
    api: GraphQLClient, session
) -> None:
    tenant = await make_tenant(session)
    await make_room(session, tenant, "Aurora", capacity=8, building="North")
    await make_room(session, tenant, "Glacier", capacity=10, building="South")
    await make_room(session, tenant, "Harbour", capacity=4, building="South")
    token = await make_token(session, tenant)
    query = '{ rooms(building: "South", minCapacity: 6) { name } }'
    assert api.data(query, token=token) == {"rooms": [{"name": "Glacier"}]}


@pytest.mark.parametrize(("search", "found"), [("%", ["50% Room"]), ("_", ["A_B"])])
async def test_percent_and_underscore_in_search_match_only_themselves(
    api: GraphQLClient, session, search, found
) -> None:
    tenant = await make_tenant(session)
    for name in ("50% Room", "A_B", "Aurora"):
        await make_room(session, tenant, name)
    token = await make_token(session, tenant)
    query = "query ($s: String) { rooms(search: $s) { name } }"
    rooms = api.data(query, {"s": search}, token=token)["rooms"]
    assert [r["name"] for r in rooms] == found
