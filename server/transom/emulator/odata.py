"""OData query options, ``Prefer`` headers, collections and paging links.

Links (``@odata.nextLink``, ``@odata.deltaLink``, ``@odata.context``) are built
on the emulator's *public* Graph base, so clients follow them to wherever they
believe Graph lives (graph-contract.md §0.2).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse

from .errors import GraphError, request_ids
from .store import Emulator

T = TypeVar("T")
_PREFER_ITEM = re.compile(r'\s*([^=,\s]+)\s*(?:=\s*("[^"]*"|[^,]*))?\s*(?:,|$)')


def prefer(request: Request) -> dict[str, str]:
    """Every ``Prefer`` preference, lower-cased names, quotes stripped."""
    found: dict[str, str] = {}
    for header in request.headers.getlist("prefer"):
        for name, value in _PREFER_ITEM.findall(header):
            found[name.lower()] = value.strip().strip('"')
    return found


def output_zone(request: Request) -> str:
    return prefer(request).get("outlook.timezone") or "UTC"


def int_option(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise GraphError(
            400, "BadRequest", f"Invalid value '{raw}' for query option '{name}'."
        ) from exc
    if value < 0:
        raise GraphError(
            400, "BadRequest", f"Invalid value '{raw}' for query option '{name}'."
        )
    return value


def page_size(request: Request, default: int, maximum: int) -> int:
    """``$top`` (or ``Prefer: odata.maxpagesize``) clamped to ``maximum``."""
    top = int_option(request, "$top")
    if top is None:
        raw = prefer(request).get("odata.maxpagesize", "")
        top = int(raw) if raw.isdigit() else None
    return max(1, min(top or default, maximum))


def select(
    item: dict[str, Any], request: Request, default: list[str] | None = None
) -> dict[str, Any]:
    """``item`` reduced to ``$select`` (or ``default``) keeping ``id`` and annotations."""
    raw = request.query_params.get("$select")
    fields = [f.strip() for f in raw.split(",") if f.strip()] if raw else default
    if not fields:
        return item
    wanted = {f.lower() for f in fields} | {"id"}
    return {k: v for k, v in item.items() if k.startswith("@") or k.lower() in wanted}


def encode_token(data: dict[str, Any]) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def decode_token(token: str) -> dict[str, Any] | None:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded if isinstance(decoded, dict) else None


def public_link(emulator: Emulator, request: Request, **params: str | None) -> str:
    """The request's own URL on the public base with ``params`` replaced."""
    query = dict(request.query_params.items())
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    path = request.url.path.removeprefix("/v1.0")
    suffix = f"?{urlencode(query, safe='$(),:/@')}" if query else ""
    return f"{emulator.public_graph_url}{path}{suffix}"


def context_url(emulator: Emulator, fragment: str) -> str:
    return f"{emulator.public_graph_url}/$metadata#{fragment}"


def graph_json(
    request: Request,
    body: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A Graph JSON response with the request-id headers Graph always sends."""
    request_id, client_id = request_ids(request)
    all_headers = {
        "request-id": request_id,
        "client-request-id": client_id,
        "OData-Version": "4.0",
    }
    all_headers.update(headers or {})
    return JSONResponse(
        body,
        status_code=status,
        headers=all_headers,
        media_type="application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
    )


def collection(
    request: Request,
    context: str,
    value: list[dict[str, Any]],
    next_link: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"@odata.context": context, "value": value}
    if next_link:
        body["@odata.nextLink"] = next_link
    return graph_json(request, body, headers=headers)


def paged(
    request: Request,
    emulator: Emulator,
    items: list[T],
    *,
    default: int,
    maximum: int,
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the nextLink (``$skiptoken``) for the rest."""
    size = page_size(request, default, maximum)
    token = decode_token(request.query_params.get("$skiptoken", "")) or {}
    offset = int(token.get("offset", int_option(request, "$skip") or 0))
    page = items[offset : offset + size]
    if offset + size >= len(items):
        return page, None
    skiptoken = encode_token({"offset": offset + size})
    return page, public_link(
        emulator, request, **{"$skiptoken": skiptoken, "$skip": None}
    )
