"""Calendar views: ``calendarView``, ``instances`` and ``calendarView/delta``.

``calendarView`` expands series into occurrences and exceptions overlapping
``[startDateTime, endDateTime)`` (an offset in the value is honoured, none means
UTC), 10 per page unless ``$top`` / ``Prefer: odata.maxpagesize``.

Delta (graph-contract.md §3): a round diffs the current view against the
snapshot the previous token covered and returns new/changed items in full and
vanished ones as ``@removed``. Round and snapshot are one
:class:`~.store.SyncState` under a key; ``$skiptoken`` (key + offset) pages
through the round, ``$deltatoken`` (key) starts the next one. Links carry only
the token: it encodes the window. Unknown or invalidated keys answer 410
``SyncStateNotFound``.
"""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .errors import GraphError
from .event_output import item_json, removed_json
from .event_routes import PREFIXES, READ, item_or_404, zone_headers
from .mailboxes import Mailbox, open_mailbox
from .occurrences import Item, expand, find_item, view
from .odata import (
    collection,
    context_url,
    decode_token,
    encode_token,
    graph_json,
    output_zone,
    page_size,
    paged,
    select,
)
from .store import SyncState
from .timezones import parse_query_time

MAX_SYNC_STATES = 5000
_generations = count(1)


def window(request: Request) -> tuple[datetime, datetime]:
    start = parse_query_time(
        request.query_params.get("startDateTime")
        or request.query_params.get("StartDateTime", "")
    )
    end = parse_query_time(
        request.query_params.get("endDateTime")
        or request.query_params.get("EndDateTime", "")
    )
    return start, end


def items_page(
    request: Request, box: Mailbox, items: list[Item], fragment: str
) -> Response:
    page, next_link = paged(request, box.emulator, items, default=10, maximum=1000)
    zone = output_zone(request)
    value = [select(item_json(i, zone), request) for i in page]
    context = context_url(box.emulator, f"users('{box.user.mail}')/{fragment}")
    return collection(request, context, value, next_link, zone_headers(request))


async def calendar_view(request: Request) -> Response:
    box = open_mailbox(request, READ)
    start, end = window(request)
    items = view(box.emulator.mailbox(box.tenant, box.user.id), start, end)
    return items_page(request, box, items, "calendarView")


async def instances(request: Request) -> Response:
    box = open_mailbox(request, READ)
    master = item_or_404(box, request.path_params["event"])
    start, end = window(request)
    found = expand(master.event, start, end) if master.kind == "seriesMaster" else []
    return items_page(request, box, found, f"events('{master.id}')/instances")


def sync_state_not_found(generation: str = "0") -> GraphError:
    return GraphError(
        410,
        "SyncStateNotFound",
        f"The sync state generation is not found; generation={generation};[highest=0]",
    )


def _new_round(box: Mailbox, start: str, end: str, seen: dict[str, str]) -> str:
    states = box.emulator.sync_states
    current = view(
        box.emulator.mailbox(box.tenant, box.user.id),
        datetime.fromisoformat(start),
        datetime.fromisoformat(end),
    )
    snapshot = {i.id: i.change_key for i in current}
    pending: list[dict[str, Any]] = [
        {"id": i} for i, ck in snapshot.items() if seen.get(i) != ck
    ]
    pending += [{"id": i, "removed": True} for i in seen if i not in snapshot]
    key = f"{box.tenant.id}:{box.user.id}:{next(_generations)}"
    states[key] = SyncState(box.user.id, (start, end), snapshot, pending)
    while len(states) > MAX_SYNC_STATES:
        states.pop(next(iter(states)))
    return key


def _state(box: Mailbox, token: str) -> tuple[str, SyncState]:
    data = decode_token(token) or {}
    key = str(data.get("k", ""))
    state = box.emulator.sync_states.get(key)
    if state is None or state.user_id != box.user.id:
        raise sync_state_not_found(key.rsplit(":", 1)[-1] or "0")
    return key, state


def _entry(box: Mailbox, change: dict[str, Any], zone: str) -> dict[str, Any]:
    item = (
        None
        if change.get("removed")
        else find_item(box.emulator.mailbox(box.tenant, box.user.id), change["id"])
    )
    return removed_json(change["id"]) if item is None else item_json(item, zone)


def _delta_page(request: Request, box: Mailbox, key: str, offset: int) -> Response:
    state = box.emulator.sync_states[key]
    size = page_size(request, 10, 1000)
    chunk = state.pending[offset : offset + size]
    zone = output_zone(request)
    base = f"{box.emulator.public_graph_url}{request.url.path.removeprefix('/v1.0')}"
    token = encode_token(
        {"k": key, "o": offset + size, "s": state.window[0], "e": state.window[1]}
    )
    body: dict[str, Any] = {
        "@odata.context": context_url(box.emulator, "Collection(event)"),
        "value": [_entry(box, change, zone) for change in chunk],
    }
    if offset + size < len(state.pending):
        body["@odata.nextLink"] = f"{base}?$skiptoken={token}"
    else:
        body["@odata.deltaLink"] = f"{base}?$deltatoken={token}"
    return graph_json(request, body, headers=zone_headers(request))


async def delta(request: Request) -> Response:
    box = open_mailbox(request, READ)
    params = request.query_params
    if skiptoken := params.get("$skiptoken"):
        key, _ = _state(box, skiptoken)
        offset = int((decode_token(skiptoken) or {}).get("o", 0))
        return _delta_page(request, box, key, offset)
    if deltatoken := params.get("$deltatoken"):
        _, state = _state(box, deltatoken)
        key = _new_round(box, state.window[0], state.window[1], state.seen)
        return _delta_page(request, box, key, 0)
    start, end = window(request)
    key = _new_round(box, start.isoformat(), end.isoformat(), {})
    return _delta_page(request, box, key, 0)


routes = [
    route
    for prefix in PREFIXES
    for route in (
        Route(f"{prefix}/calendarView", calendar_view),
        Route(f"{prefix}/calendarView/delta", delta),
        Route(f"{prefix}/events/{{event}}/instances", instances),
    )
]
