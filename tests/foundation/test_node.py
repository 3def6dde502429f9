"""Relay object identification: node and nodes, scoped like the single fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.displays.signage import pair_display
from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from transom.db import models
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

MADE_UP = "00000000-0000-0000-0000-000000000000"
NODES = """
query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }
"""
NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on Room { name } } }"


async def one_of_each(session, api: GraphQLClient, name: str) -> dict[str, str]:
    """A tenant with one object of every Node type; their ids by type."""
    tenant = await make_tenant(session, name)
    room = await make_room(session, tenant, f"{name} room")
    booking = await make_booking(session, room, datetime.now(UTC) + timedelta(days=1))
    person = models.Person(
        tenant_id=tenant.id, primary_email=f"adele@{name}.example", display_name="A"
    )
    session.add(person)
    await session.flush()
    absence = models.Absence(
        tenant_id=tenant.id,
        person_id=person.id,
        kind="VACATION",
        start=datetime.now(UTC) + timedelta(days=3),
        end=datetime.now(UTC) + timedelta(days=4),
    )
    item = models.OutboxItem(tenant_id=tenant.id, kind="booking.create")
    session.add_all([absence, item])
    await session.commit()
    admin = await make_token(session, tenant)
    pair_display(api, admin, room.id)
    (display,) = api.data("{ displays { id } }", token=admin)["displays"]
    return {
        "Tenant": tenant.id,
        "Room": room.id,
        "Booking": booking.id,
        "Person": person.id,
        "Absence": absence.id,
        "OutboxItem": item.id,
        "Display": display["id"],
        "token": admin,
    }


async def test_nodes_answer_each_type_for_its_tenant_and_null_otherwise(
    api: GraphQLClient, session
) -> None:
    # given two tenants with one object of each type
    contoso = await one_of_each(session, api, "contoso")
    fabrikam = await one_of_each(session, api, "fabrikam")
    token = contoso.pop("token")
    fabrikam.pop("token")
    ids = list(contoso.values()) + list(fabrikam.values()) + [MADE_UP]
    # when
    found = api.data(NODES, {"ids": ids}, token=token)["nodes"]
    # then contoso's objects, each as its type, and null for the rest
    own = [{"__typename": kind, "id": ident} for kind, ident in contoso.items()]
    assert found == own + [None] * (len(fabrikam) + 1)


async def test_node_is_a_room_with_its_fields_and_a_stranger_sees_nothing(
    api: GraphQLClient, session
) -> None:
    contoso = await one_of_each(session, api, "contoso")
    stranger = await make_token(session, await make_tenant(session, "Other"))
    room = {"__typename": "Room", "id": contoso["Room"], "name": "contoso room"}
    assert api.data(NODE, {"id": contoso["Room"]}, token=contoso["token"]) == {
        "node": room
    }
    assert api.data(NODE, {"id": contoso["Room"]}, token=stranger) == {"node": None}
    assert api.data(NODE, {"id": MADE_UP}, token=contoso["token"]) == {"node": None}


async def test_outbox_items_are_for_admins_and_a_superadmin_sees_every_tenant(
    api: GraphQLClient, session
) -> None:
    contoso = await one_of_each(session, api, "contoso")
    tenant = await session.get(models.Tenant, contoso["Tenant"])
    reader = await make_token(session, tenant, Role.READER)
    superadmin = await make_token(session, None, Role.SUPERADMIN)
    item = contoso["OutboxItem"]
    assert api.data(NODE, {"id": item}, token=reader) == {"node": None}
    assert api.data(NODE, {"id": item}, token=superadmin)["node"]["id"] == item


async def test_more_than_a_hundred_ids_are_refused(api: GraphQLClient, session) -> None:
    token = await make_token(session, await make_tenant(session))
    codes = api.error_codes(NODES, {"ids": [MADE_UP] * 101}, token=token)
    assert codes == ["BAD_USER_INPUT"]
