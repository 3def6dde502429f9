"""Directory and places through msgraph-sdk (graph-contract.md §5.1, §7.6, §8)."""

from __future__ import annotations

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from tests.emulator.core_directory import (
    ADELE,
    ROOM1,
    ROOM_LIST,
    CoreServer,
    core_server,
)
from tests.emulator.graph_clients import graph_client
from transom.emulator import TENANT_ID
from transom.emulator.provisioning import add_user

__all__ = ["core_server"]
pytestmark = pytest.mark.anyio
Query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters


def users_query(**options: object) -> RequestConfiguration[Query]:
    return RequestConfiguration(query_parameters=Query(**options))


async def test_users_page_with_next_links_honouring_top(
    core_server: CoreServer,
) -> None:
    # given
    for index in range(7):
        add_user(core_server.emulator, TENANT_ID, f"Temp {index}", f"temp{index}")
    async with graph_client(core_server.url) as client:
        # when
        page = await client.users.get(users_query(top=5))
        seen = [u.id for u in page.value]
        while page.odata_next_link:
            page = await client.users.with_url(page.odata_next_link).get()
            seen += [u.id for u in page.value]
    # then
    assert len(seen) == len(set(seen)) == 12


async def test_users_select_and_default_properties(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        # when
        plain = await client.users.get()
        chosen = await client.users.get(
            users_query(select=["id", "mail", "proxyAddresses", "accountEnabled"])
        )
    # then
    adele = next(u for u in plain.value if u.mail == ADELE)
    assert adele.display_name == "Adele Vance"
    assert adele.proxy_addresses is None
    selected = next(u for u in chosen.value if u.mail == ADELE)
    assert selected.display_name is None
    assert selected.proxy_addresses == [f"SMTP:{ADELE}", "smtp:adele@contoso.example"]
    assert selected.account_enabled is True


@pytest.mark.parametrize(
    "expression",
    [
        f"mail eq '{ADELE.upper()}'",
        f"userPrincipalName eq '{ADELE}'",
        "proxyAddresses/any(x:x eq 'smtp:adele@contoso.example')",
        "startswith(displayName,'Adele')",
        "mail eq 'nobody@x' or startswith(displayName,'adele')",
    ],
)
async def test_users_filter_finds_adele(
    core_server: CoreServer, expression: str
) -> None:
    async with graph_client(core_server.url) as client:
        # when
        found = await client.users.get(users_query(filter=expression))
    # then
    assert [u.mail for u in found.value] == [ADELE]


async def test_unsupported_filter_is_a_400(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        # when
        with pytest.raises(ODataError) as raised:
            await client.users.get(users_query(filter="jobTitle gt 'a'"))
    # then
    assert raised.value.response_status_code == 400
    assert raised.value.error.code == "Request_UnsupportedQuery"


async def test_user_by_upn_alias_or_id_and_unknown(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        # when
        by_upn = await client.users.by_user_id(ADELE).get()
        by_id = await client.users.by_user_id(by_upn.id).get()
        with pytest.raises(ODataError) as raised:
            await client.users.by_user_id("ghost@nowhere.example").get()
    # then
    assert by_id.user_principal_name == ADELE
    assert raised.value.response_status_code == 404
    assert raised.value.error.code == "Request_ResourceNotFound"


async def test_organization_lists_the_directory(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        # when
        found = await client.organization.get()
    # then
    org = found.value[0]
    assert org.id == TENANT_ID
    assert org.display_name == "Contoso"
    assert org.verified_domains[0].is_default is True


async def test_places_list_rooms_room_lists_and_members(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        # when
        rooms = await client.places.graph_room.get()
        lists = await client.places.graph_room_list.get()
        members = await client.places.by_place_id(ROOM_LIST).graph_room_list.rooms.get()
    # then
    room = next(r for r in rooms.value if r.email_address == ROOM1)
    assert room.capacity == 8
    assert room.building == "North"
    assert room.floor_number == 1
    assert room.booking_type.value == "standard"
    assert room.is_wheel_chair_accessible is False
    assert [r.email_address for r in lists.value] == [ROOM_LIST]
    assert sorted(r.display_name for r in members.value) == ["Room 1", "Room 2"]


async def test_room_mailbox_settings_say_room(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        # when
        settings = await client.users.by_user_id(ROOM1).mailbox_settings.get()
    # then
    assert settings.user_purpose.value == "room"
