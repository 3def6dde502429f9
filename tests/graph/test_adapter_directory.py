"""Directory reads through the adapter against the emulator over HTTP."""

from __future__ import annotations

import pytest

from tests.graph.emulated import (
    ADELE,
    ALEX,
    APP_PATH,
    ROOM1,
    ROOM2,
    ROOM_LIST,
    Emulated,
)
from transom.domain.directory import MailboxPurpose
from transom.emulator import TENANT_DOMAIN, TENANT_ID
from transom.graph import (
    GraphAuthError,
    GraphAuthKind,
    GraphTenantClient,
    MailboxAccessDeniedError,
    MailboxNotFoundError,
    MailboxProblem,
)

pytestmark = pytest.mark.anyio


async def test_connection_test_reads_the_organization(graph: GraphTenantClient):
    # when
    org = await graph.fetch_organization()

    # then
    assert org.tenant_id == TENANT_ID
    assert TENANT_DOMAIN in org.verified_domains


async def test_rooms_are_imported_from_places_with_capacity_and_floor(
    graph: GraphTenantClient,
):
    # when
    rooms = {r.email: r for r in await graph.fetch_rooms()}
    lists = await graph.fetch_room_lists()
    in_list = await graph.fetch_rooms_in_list(ROOM_LIST)

    # then
    assert set(rooms) == {ROOM1, ROOM2}
    assert (
        rooms[ROOM1].capacity,
        rooms[ROOM1].building,
        rooms[ROOM1].floor_number,
    ) == (
        8,
        "North",
        1,
    )
    assert [rl.email for rl in lists] == [ROOM_LIST]
    assert {r.email for r in in_list} == {ROOM1, ROOM2}


async def test_linking_verifies_a_room_mailbox_and_tells_a_person_apart(
    graph: GraphTenantClient,
):
    # when
    room = await graph.fetch_mailbox(ROOM1)
    person = await graph.fetch_mailbox(ADELE)

    # then
    assert (room.purpose, room.is_resource, room.email) == (
        MailboxPurpose.ROOM,
        True,
        ROOM1,
    )
    assert (person.purpose, person.is_resource) == (MailboxPurpose.USER, False)


async def test_unknown_address_and_account_without_mailbox_are_told_apart(
    graph: GraphTenantClient,
):
    # when
    with pytest.raises(MailboxNotFoundError) as unknown:
        await graph.fetch_mailbox(f"nobody@{TENANT_DOMAIN}")
    with pytest.raises(MailboxNotFoundError) as unlicensed:
        await graph.fetch_mailbox(ALEX)

    # then
    assert unknown.value.problem is MailboxProblem.NO_SUCH_MAILBOX
    assert unlicensed.value.problem is MailboxProblem.NO_EXCHANGE_MAILBOX
    assert unknown.value.mailbox == f"nobody@{TENANT_DOMAIN}"


async def test_access_policy_403_names_the_mailbox_it_excludes(
    emulated: Emulated, graph: GraphTenantClient
):
    # given only Room 1 is inside the app's access policy
    await emulated.control.put(f"{APP_PATH}/access-policy", json={"mailboxes": [ROOM1]})

    # when
    allowed = await graph.fetch_mailbox(ROOM1)
    with pytest.raises(MailboxAccessDeniedError) as denied:
        await graph.fetch_mailbox(ROOM2)

    # then
    assert allowed.email == ROOM1
    assert denied.value.mailbox == ROOM2
    assert "access policy" in denied.value.hint


async def test_directory_users_come_with_primary_address_and_aliases(
    graph: GraphTenantClient,
):
    # when
    users = {u.display_name: u for u in await graph.fetch_users()}

    # then
    assert users["Adele Vance"].primary_email == ADELE
    assert users["Adele Vance"].aliases == ("adele@contoso.example",)
    assert users["Alex Wilber"].primary_email is None


async def test_revoked_admin_consent_is_an_auth_error(
    emulated: Emulated, graph: GraphTenantClient
):
    # given
    await emulated.control.post(f"{APP_PATH}/consent", json={"consented": False})

    # when
    with pytest.raises(GraphAuthError) as failure:
        await graph.fetch_rooms()

    # then
    assert failure.value.kind is GraphAuthKind.CONSENT_MISSING
