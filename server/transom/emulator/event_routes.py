"""Event routes: list, create, get, update, delete and the meeting actions.

Paths (each also under ``/calendar/`` and ``/calendars/{calendar}/``)::

    GET  POST        /users/{user}/events
    GET PATCH DELETE /users/{user}/events/{event}
    POST             /users/{user}/events/{event}/accept|tentativelyAccept|decline|cancel

Create answers 201 with the full event, PATCH 200, DELETE 204, actions 202.
``/events`` lists singles and series masters (no expansion), 10 per page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import calendars
from .errors import GraphError, not_found_item, request_ids
from .event_output import item_json
from .mailboxes import Mailbox, open_mailbox
from .occurrences import Item, find_item, master_item
from .odata import collection, context_url, graph_json, output_zone, paged, select

READ, WRITE = "Calendars.Read", "Calendars.ReadWrite"
ACTIONS = {
    "accept": "accepted",
    "tentativelyAccept": "tentativelyAccepted",
    "decline": "declined",
}
PREFIXES = (
    "/v1.0/users/{user}",
    "/v1.0/users/{user}/calendar",
    "/v1.0/users/{user}/calendars/{calendar}",
)


async def read_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        payload = json.loads(raw or b"{}")
    except json.JSONDecodeError as exc:
        raise GraphError(
            400,
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        ) from exc
    if not isinstance(payload, dict):
        raise GraphError(400, "BadRequest", "Unable to read JSON request payload.")
    return payload


def zone_headers(request: Request) -> dict[str, str]:
    zone = output_zone(request)
    return {"Preference-Applied": f'outlook.timezone="{zone}"'} if zone != "UTC" else {}


def event_response(
    request: Request, box: Mailbox, item: Item, status: int = 200
) -> Response:
    body = {
        "@odata.context": context_url(
            box.emulator, f"users('{box.user.mail}')/events/$entity"
        )
    }
    body.update(select(item_json(item, output_zone(request)), request))
    return graph_json(request, body, status, zone_headers(request))


def item_or_404(box: Mailbox, item_id: str) -> Item:
    item = find_item(box.emulator.mailbox(box.tenant, box.user.id), item_id)
    if item is None:
        raise not_found_item()
    return item


async def list_events(request: Request) -> Response:
    box = open_mailbox(request, READ)
    events = box.emulator.mailbox(box.tenant, box.user.id).values()
    items = sorted((master_item(e) for e in events), key=lambda i: (i.start, i.id))
    page, next_link = paged(request, box.emulator, items, default=10, maximum=1000)
    zone = output_zone(request)
    value = [select(item_json(i, zone), request) for i in page]
    context = context_url(box.emulator, f"users('{box.user.mail}')/events")
    return collection(request, context, value, next_link, zone_headers(request))


async def create_event(request: Request) -> Response:
    box = open_mailbox(request, WRITE)
    payload = await read_json(request)
    event, _ = calendars.create_event(box.emulator, box.tenant, box.user, payload)
    return event_response(request, box, master_item(event), 201)


async def get_event(request: Request) -> Response:
    box = open_mailbox(request, READ)
    return event_response(request, box, item_or_404(box, request.path_params["event"]))


async def update_event(request: Request) -> Response:
    box = open_mailbox(request, WRITE)
    item = item_or_404(box, request.path_params["event"])
    payload = await read_json(request)
    updated = calendars.update_item(
        box.emulator,
        box.tenant,
        box.user,
        item,
        payload,
        request.headers.get("if-match"),
    )
    return event_response(request, box, updated)


def no_content(request: Request, status: int) -> Response:
    request_id, client_id = request_ids(request)
    return Response(
        status_code=status,
        headers={"request-id": request_id, "client-request-id": client_id},
    )


async def delete_event(request: Request) -> Response:
    box = open_mailbox(request, WRITE)
    item = item_or_404(box, request.path_params["event"])
    calendars.check_if_match(item, request.headers.get("if-match"))
    calendars.delete_item(box.emulator, box.tenant, box.user, item)
    return no_content(request, 204)


async def event_action(request: Request) -> Response:
    box = open_mailbox(request, WRITE)
    item = item_or_404(box, request.path_params["event"])
    await read_json(request)
    action = request.path_params["action"]
    if action == "cancel":
        calendars.cancel_item(box.emulator, box.tenant, box.user, item)
    elif action in ACTIONS:
        calendars.respond(box.emulator, box.tenant, box.user, item, ACTIONS[action])
    else:
        raise GraphError(
            400, "BadRequest", f"Resource not found for the segment '{action}'."
        )
    return no_content(request, 202)


async def event_item(request: Request) -> Response:
    handlers: dict[str, Callable[[Request], Coroutine[Any, Any, Response]]] = {
        "GET": get_event,
        "PATCH": update_event,
        "DELETE": delete_event,
    }
    return await handlers[request.method](request)


async def events_collection(request: Request) -> Response:
    return await (
        create_event(request) if request.method == "POST" else list_events(request)
    )


routes = [
    route
    for prefix in PREFIXES
    for route in (
        Route(f"{prefix}/events", events_collection, methods=["GET", "POST"]),
        Route(
            f"{prefix}/events/{{event}}", event_item, methods=["GET", "PATCH", "DELETE"]
        ),
        Route(f"{prefix}/events/{{event}}/{{action}}", event_action, methods=["POST"]),
    )
]
