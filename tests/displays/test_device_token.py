"""A device token runs only the persisted signage operations, for its own room."""

from __future__ import annotations

from datetime import timedelta

import pytest
from graphql import parse, validate

from tests.displays.signage import SIGNAGE, operation, pair_display
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.foundation.test_transports import via_transport_ws
from transom.api.schema import build_schema

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "path", sorted(SIGNAGE.glob("*.graphql")), ids=lambda path: path.name
)
def test_every_signage_operation_is_valid_against_the_schema(path) -> None:
    schema = build_schema()._schema
    assert validate(schema, parse(path.read_text())) == []


async def test_a_device_token_may_not_run_an_operation_that_is_not_persisted(
    api, session
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    # when
    body = api.post("{ rooms { name } }", token=token)
    # then
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "schema/operations/signage/" in error["message"]


async def test_a_persisted_operation_matches_whatever_its_whitespace_and_comments(
    api, session
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    reformatted = " ".join(
        line for line in operation("DisplayHome").splitlines() if "#" not in line
    )
    # when
    data = api.data(reformatted, token=token)
    # then
    assert data["thisDisplay"]["room"]["name"] == "Aurora"


async def test_a_device_token_cannot_read_another_room(api, session) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    other = await make_room(session, tenant, "Borealis")
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    # when
    codes = api.error_codes(operation("RoomDay"), {"roomId": other.id}, token=token)
    # then
    assert codes == ["NOT_FOUND"]


async def test_websocket_subscriptions_of_a_device_token_are_checked_too(
    server, api, session
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    custom = f'subscription {{ roomStatus(roomId: "{room.id}") {{ state }} }}'
    # when
    refused = await via_transport_ws(server, token, custom)
    # then
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_display_sees_subjects_only_where_the_tenant_allows(
    api, session, clock
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    await make_booking(
        session, room, clock.now - timedelta(minutes=10), subject="Board"
    )
    await make_booking(session, room, clock.now + timedelta(hours=1), private=True)
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    day = operation("RoomDay")
    shown = api.data(day, {"roomId": room.id}, token=token)["roomDay"]
    # when
    hide = "mutation H($t: ID!) { updateTenantSettings(tenantId: $t, input: {showSubject: false}) { settings { showSubject } } }"
    api.data(hide, {"t": tenant.id}, token=admin)
    hidden = api.data(day, {"roomId": room.id}, token=token)["roomDay"]
    # then
    assert shown["status"]["state"] == "BUSY"
    board, private = shown["bookings"]
    assert board["subject"] == "Board"
    assert board["organizer"] == {"name": "Adele Vance"}
    assert private["subject"] is None
    assert private["organizer"] == {"name": None}
    assert private["isPrivate"] is True
    assert [b["subject"] for b in hidden["bookings"]] == [None, None]
    assert hidden["bookings"][0]["organizer"] == {"name": "Adele Vance"}
