"""Directory reads: organization, rooms and room lists (Places), mailboxes, users.

All reads follow every ``@odata.nextLink``. ``fetch_mailbox`` raises the typed
mailbox errors (no such mailbox, no Exchange mailbox, access policy) so linking a
room can say precisely why it failed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from msgraph.generated.places.graph_room.graph_room_request_builder import (
    GraphRoomRequestBuilder,
)
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.user_item_request_builder import (
    UserItemRequestBuilder,
)
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from transom.domain.directory import (
    DirectoryUser,
    MailboxInfo,
    OrganizationInfo,
    RoomList,
    RoomPlace,
)
from transom.graph._http import GraphHttp, configured
from transom.graph.convert_directory import (
    from_graph_mailbox,
    from_graph_organization,
    from_graph_room,
    from_graph_room_list,
    from_graph_user,
)
from transom.graph.errors import GraphNotFoundError
from transom.graph.timezones import format_utc

USER_FIELDS = [
    "id",
    "displayName",
    "mail",
    "userPrincipalName",
    "proxyAddresses",
    "accountEnabled",
]
PLACES_PAGE_SIZE = 100
USERS_PAGE_SIZE = 999


class DirectoryOperations:
    _http: GraphHttp

    async def fetch_organization(self) -> OrganizationInfo:
        """The tenant's id, name and verified domains (``GET /organization``)."""
        info = self._http.sdk.organization.to_get_request_information()
        found = await self._http.values(info)
        if not found:
            raise GraphNotFoundError("Graph returned no organization for this tenant")
        return from_graph_organization(found[0])

    async def fetch_rooms(self) -> list[RoomPlace]:
        """Every room of the Places directory."""
        query = GraphRoomRequestBuilder.GraphRoomRequestBuilderGetQueryParameters(
            top=PLACES_PAGE_SIZE
        )
        info = self._http.sdk.places.graph_room.to_get_request_information(
            configured(query)
        )
        return [from_graph_room(v) for v in await self._http.values(info)]

    async def fetch_room_lists(self) -> list[RoomList]:
        info = self._http.sdk.places.graph_room_list.to_get_request_information()
        return [from_graph_room_list(v) for v in await self._http.values(info)]

    async def fetch_rooms_in_list(self, room_list_email: str) -> list[RoomPlace]:
        """Rooms of one room list, addressed by the list's e-mail (as Graph requires)."""
        builder = self._http.sdk.places.by_place_id(
            room_list_email
        ).graph_room_list.rooms
        info = builder.to_get_request_information()
        return [from_graph_room(v) for v in await self._http.values(info)]

    async def fetch_mailbox(self, email: str) -> MailboxInfo:
        """Who the mailbox is and what it is for (user, room, equipment…)."""
        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["id", "displayName", "mail", "userPrincipalName"]
        )
        user_builder = self._http.sdk.users.by_user_id(email)
        user_info = user_builder.to_get_request_information(configured(query))
        user = await self._http.json(user_info, mailbox=email)
        settings_info = user_builder.mailbox_settings.to_get_request_information()
        settings = await self._http.json(settings_info, mailbox=email)
        return from_graph_mailbox(user, settings)

    async def verify_calendar_access(self, mailbox: str, *, now: datetime) -> None:
        """Raise the typed error if this app cannot read the mailbox's calendar."""
        query = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
            start_date_time=format_utc(now),
            end_date_time=format_utc(now + timedelta(minutes=1)),
            top=1,
            select=["id"],
        )
        builder = self._http.sdk.users.by_user_id(mailbox).calendar_view
        await self._http.json(
            builder.to_get_request_information(configured(query)), mailbox=mailbox
        )

    async def fetch_users(self) -> list[DirectoryUser]:
        """Every directory user with addresses (primary + ``proxyAddresses`` aliases)."""
        query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
            select=USER_FIELDS, top=USERS_PAGE_SIZE
        )
        info = self._http.sdk.users.to_get_request_information(configured(query))
        return [from_graph_user(v) for v in await self._http.values(info)]


def user_path(mailbox: str) -> str:
    """``/users/{id}`` with the id percent-encoded as the SDK does (for $batch urls)."""
    return f"/users/{quote(mailbox, safe='')}"
