"""Places routes: rooms, room lists and the rooms of a room list (§5.1).

``/places/microsoft.graph.room``, ``/places/microsoft.graph.roomlist`` and
``/places/{roomListEmail}/microsoft.graph.roomlist/rooms`` (the SDK's
``graph.room`` / ``graph.roomList`` spellings arrive normalised by
:mod:`.paths`). Pages of 100 by default, ``$top``/``$skip``/``$select``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .auth import authorize
from .errors import not_found_item
from .mailboxes import emulator_of
from .model import RoomList, User
from .odata import collection, context_url, paged, select

ROLE = "Place.Read.All"


def room_json(user: User) -> dict[str, Any]:
    place = dict(user.place or {})
    return {
        "@odata.type": "#microsoft.graph.room",
        "id": place.pop("id", user.id),
        "emailAddress": user.mail,
        "displayName": user.display_name,
        **place,
    }


def room_list_json(room_list: RoomList) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.roomList",
        "id": room_list.id,
        "displayName": room_list.display_name,
        "address": room_list.address or None,
        "geoCoordinates": None,
        "phone": None,
        "emailAddress": room_list.email,
    }


def _page(request: Request, items: list[dict[str, Any]], fragment: str) -> Response:
    emulator = emulator_of(request)
    page, next_link = paged(request, emulator, items, default=100, maximum=999)
    value = [select(i, request) for i in page]
    return collection(request, context_url(emulator, fragment), value, next_link)


async def rooms(request: Request) -> Response:
    tenant = authorize(request, emulator_of(request), role=ROLE).tenant
    found = [room_json(u) for u in tenant.users.values() if u.place is not None]
    return _page(request, found, "places/microsoft.graph.room")


async def room_lists(request: Request) -> Response:
    tenant = authorize(request, emulator_of(request), role=ROLE).tenant
    found = [room_list_json(r) for r in tenant.room_lists.values()]
    return _page(request, found, "places/microsoft.graph.roomList")


async def rooms_of_list(request: Request) -> Response:
    tenant = authorize(request, emulator_of(request), role=ROLE).tenant
    key = request.path_params["list"].lower()
    matches = [r for r in tenant.room_lists.values() if key in (r.email.lower(), r.id)]
    if not matches:
        raise not_found_item()
    members = [tenant.users[i] for i in matches[0].rooms if i in tenant.users]
    return _page(
        request,
        [room_json(u) for u in members],
        f"places('{key}')/microsoft.graph.roomList/rooms",
    )


routes = [
    Route("/v1.0/places/microsoft.graph.room", rooms),
    Route("/v1.0/places/microsoft.graph.roomlist", room_lists),
    Route("/v1.0/places/{list}/microsoft.graph.roomlist/rooms", rooms_of_list),
]
