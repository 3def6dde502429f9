"""The demo's "Outlook" page at ``/_emulator/outlook``.

People trying the demo pick a user, see their week, and create, move or cancel
a meeting with a room, to watch Transom sync both ways. The page is a Jinja2
shell plus one ES module and one stylesheet (no CDN); its JSON endpoints live
under ``/_emulator/outlook/api/`` and write through the same functions as
Graph's event routes (:mod:`.calendars`), so the room's booking attendant
answers and change notifications fire exactly as for a Graph call.

Endpoints (no authentication, like the rest of ``/_emulator/``):

- ``GET    /_emulator/outlook`` - the page
- ``GET    /_emulator/outlook/api/calendar?tenant=&user=&start=&end=`` - items
- ``POST   /_emulator/outlook/api/events``
  ``{tenant, user, subject, start, end, room?}``
- ``PATCH  /_emulator/outlook/api/events/{id}`` ``{tenant, user, start, end}``
- ``DELETE /_emulator/outlook/api/events/{id}?tenant=&user=`` - cancel (organizer)
  or remove (attendee)

Times cross the wire as ISO 8601 instants; events are written in UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .calendars import cancel_item, create_event, delete_item, update_item
from .errors import GraphError
from .model import Tenant, User
from .occurrences import Item, find_item, view
from .store import Emulator

HERE = Path(__file__).parent / "outlook"
templates = Jinja2Templates(directory=HERE / "templates")


def _bad(message: str) -> GraphError:
    return GraphError(400, "ErrorInvalidRequest", message)


def _instant(value: Any, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad(f"'{name}' must be an ISO 8601 date-time") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _graph_time(moment: datetime) -> dict[str, str]:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000")
    return {"dateTime": text, "timeZone": "UTC"}


def directory_json(emulator: Emulator) -> list[dict[str, Any]]:
    """Tenants with their people and rooms, for the page's pickers."""

    def entry(user: User) -> dict[str, Any]:
        capacity = (user.place or {}).get("capacity")
        return {
            "id": user.id,
            "displayName": user.display_name,
            "mail": user.mail,
            "capacity": capacity,
        }

    def people(tenant: Tenant, purpose: str) -> list[dict[str, Any]]:
        found = [
            u for u in tenant.users.values() if u.has_mailbox and u.purpose == purpose
        ]
        return [entry(u) for u in sorted(found, key=lambda u: u.display_name)]

    return [
        {
            "id": t.id,
            "displayName": t.display_name,
            "users": people(t, "user"),
            "rooms": people(t, "room"),
        }
        for t in emulator.tenants.values()
    ]


def item_summary(item: Item) -> dict[str, Any]:
    """What the week view shows of one calendar item."""
    props = item.event.props | item.event.exceptions.get(item.original_start or "", {})
    rooms = [
        {
            "name": a["emailAddress"].get("name") or a["emailAddress"]["address"],
            "address": a["emailAddress"]["address"],
            "response": a.get("status", {}).get("response", "none"),
        }
        for a in props.get("attendees", [])
        if a.get("type") == "resource"
    ]
    organizer = (props.get("organizer") or {}).get("emailAddress", {})
    return {
        "id": item.id,
        "subject": props.get("subject", ""),
        "start": item.start.isoformat(),
        "end": item.end.isoformat(),
        "type": item.kind,
        "showAs": props.get("showAs", "busy"),
        "isOrganizer": bool(props.get("isOrganizer")),
        "organizer": organizer.get("name") or organizer.get("address"),
        "rooms": rooms,
    }


class OutlookRoutes:
    """The page and its JSON API over one emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def routes(self) -> list[BaseRoute]:
        api = "/_emulator/outlook/api"
        static = StaticFiles(directory=HERE / "static")
        return [
            Route("/_emulator/outlook", self.page, methods=["GET"]),
            Mount("/_emulator/outlook/static", static, name="outlook-static"),
            Route(f"{api}/calendar", self.calendar, methods=["GET"]),
            Route(f"{api}/events", self.create, methods=["POST"]),
            Route(f"{api}/events/{{item_id}}", self.move, methods=["PATCH"]),
            Route(f"{api}/events/{{item_id}}", self.cancel, methods=["DELETE"]),
        ]

    def _mailbox(self, values: dict[str, Any]) -> tuple[Tenant, User]:
        tenant = self.emulator.tenant(str(values.get("tenant", "")))
        user = (
            self.emulator.find_user(tenant, str(values.get("user", "")))
            if tenant
            else None
        )
        if tenant is None or user is None or not user.has_mailbox:
            raise GraphError(
                404, "ErrorInvalidUser", "Pick a mailbox of the directory."
            )
        return tenant, user

    def _item(self, tenant: Tenant, user: User, item_id: str) -> Item:
        item = find_item(self.emulator.mailbox(tenant, user.id), item_id)
        if item is None:
            raise GraphError(
                404,
                "ErrorItemNotFound",
                "The specified object was not found in the store.",
            )
        return item

    async def page(self, request: Request) -> Response:
        context = {"tenants": directory_json(self.emulator)}
        return templates.TemplateResponse(request, "outlook.html", context)

    async def calendar(self, request: Request) -> Response:
        params = dict(request.query_params)
        tenant, user = self._mailbox(params)
        start = _instant(params.get("start"), "start")
        end = _instant(params.get("end"), "end")
        items = view(self.emulator.mailbox(tenant, user.id), start, end)
        return JSONResponse({"items": [item_summary(i) for i in items]})

    async def create(self, request: Request) -> Response:
        body = await _json(request)
        tenant, user = self._mailbox(body)
        payload = self._meeting(tenant, body)
        event, _ = create_event(self.emulator, tenant, user, payload)
        found = find_item(self.emulator.mailbox(tenant, user.id), event.id)
        assert found is not None
        return JSONResponse(item_summary(found), status_code=201)

    def _meeting(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        start, end = (
            _instant(body.get("start"), "start"),
            _instant(body.get("end"), "end"),
        )
        if end <= start:
            raise _bad("The meeting must end after it starts.")
        payload: dict[str, Any] = {
            "subject": str(body.get("subject") or "").strip() or "Meeting",
            "start": _graph_time(start),
            "end": _graph_time(end),
            "showAs": "busy",
        }
        if body.get("room"):
            room = self.emulator.find_user(tenant, str(body["room"]))
            if room is None or room.purpose != "room":
                raise _bad(f"No room {body['room']!r} in this directory.")
            address = {"name": room.display_name, "address": room.mail}
            payload["attendees"] = [{"type": "resource", "emailAddress": address}]
            payload["location"] = {
                "displayName": room.display_name,
                "locationEmailAddress": room.mail,
                "locationType": "conferenceRoom",
            }
        return payload

    async def move(self, request: Request) -> Response:
        body = await _json(request)
        tenant, user = self._mailbox(body)
        item = self._item(tenant, user, request.path_params["item_id"])
        start, end = (
            _instant(body.get("start"), "start"),
            _instant(body.get("end"), "end"),
        )
        if end <= start:
            raise _bad("The meeting must end after it starts.")
        payload = {"start": _graph_time(start), "end": _graph_time(end)}
        moved = update_item(self.emulator, tenant, user, item, payload, None)
        return JSONResponse(item_summary(moved))

    async def cancel(self, request: Request) -> Response:
        tenant, user = self._mailbox(dict(request.query_params))
        item = self._item(tenant, user, request.path_params["item_id"])
        if item.event.props.get("isOrganizer"):
            cancel_item(self.emulator, tenant, user, item)
        else:
            delete_item(self.emulator, tenant, user, item)
        return Response(status_code=204)


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        raise _bad("The body must be JSON.") from exc
    if not isinstance(body, dict):
        raise _bad("The body must be a JSON object.")
    return body


def outlook_routes(emulator: Emulator) -> list[BaseRoute]:
    return OutlookRoutes(emulator).routes()
