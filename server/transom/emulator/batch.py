"""JSON batching: ``POST /v1.0/$batch`` (graph-contract.md §7.5).

Request ``{"requests": [{"id", "method", "url", "headers"?, "body"?, "dependsOn"?}]}``;
answer 200 ``{"responses": [{"id", "status", "headers", "body"?}]}`` whatever the
items' outcomes, or 400 when the batch itself is malformed:

* more than 20 requests, duplicate ids (case-insensitive), missing id/method/url,
  a ``body`` without a ``Content-Type`` header, or a ``dependsOn`` naming an id that
  is unknown or not earlier in the list.

Each item's ``url`` (``/users/...`` relative to ``/v1.0``; an absolute Graph url,
as msgraph-sdk sometimes sends, is reduced to its path) is dispatched
*inside* the emulator through the whole ASGI app, so authentication, throttling and
faults apply per item. The item carries the batch's ``Authorization`` header plus
its own headers. An item waits for every item in its ``dependsOn``; if one of them
failed (status >= 400) it is not run and gets 424. Items run concurrently otherwise,
at most 4 at a time per mailbox, as Graph forwards Outlook items. The SDK's
snake-case ``depends_on`` key is ignored, exactly as real Graph ignores it.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Scope

from transom.emulator.errors import graph_error
from transom.emulator.throttling import mailbox_of

MAX_REQUESTS = 20
FORWARDED_PER_MAILBOX = 4
_KEPT_RESPONSE_HEADERS = {"content-type", "retry-after", "location", "etag"}


class BatchError(ValueError):
    """The batch payload is malformed; answered 400 for the whole batch."""


@dataclass
class BatchItem:
    id: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    depends_on: list[str]
    done: anyio.Event = field(default_factory=anyio.Event)
    result: dict[str, Any] | None = None


async def post_batch(request: Request) -> Response:
    try:
        items = parse_batch(await request.body())
    except BatchError as exc:
        return graph_error(400, "BadRequest", str(exc), request)
    by_id = {item.id.lower(): item for item in items}
    limits: dict[str | None, anyio.Semaphore] = defaultdict(
        lambda: anyio.Semaphore(FORWARDED_PER_MAILBOX)
    )
    async with anyio.create_task_group() as group:
        for item in items:
            group.start_soon(_run_item, request, item, by_id, limits)
    return JSONResponse({"responses": [item.result for item in items]})


def parse_batch(raw: bytes) -> list[BatchItem]:
    try:
        payload = json.loads(raw or b"null")
    except json.JSONDecodeError as exc:
        raise BatchError("Invalid JSON in batch request body.") from exc
    requests = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(requests, list) or not requests:
        raise BatchError("Batch request must contain a 'requests' array.")
    if len(requests) > MAX_REQUESTS:
        raise BatchError(
            f"Number of batch requests exceeded the limit of {MAX_REQUESTS}."
        )
    items: list[BatchItem] = []
    for entry in requests:
        items.append(_parse_item(entry, {item.id.lower() for item in items}))
    return items


def _parse_item(entry: Any, earlier_ids: set[str]) -> BatchItem:
    if not isinstance(entry, dict):
        raise BatchError("Each batch request must be a JSON object.")
    item_id, method, url = (_text(entry, key) for key in ("id", "method", "url"))
    if item_id.lower() in earlier_ids:
        raise BatchError(f"Request Id '{item_id}' is duplicated in the batch.")
    headers = {str(k): str(v) for k, v in (entry.get("headers") or {}).items()}
    depends_on = entry.get("dependsOn") or []
    if not isinstance(depends_on, list) or any(
        not isinstance(dep, str) or dep.lower() not in earlier_ids for dep in depends_on
    ):
        raise BatchError(f"Invalid dependency for request Id '{item_id}'.")
    body = _item_body(item_id, entry, headers)
    return BatchItem(item_id, method.upper(), url, headers, body, depends_on)


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise BatchError("Each batch request needs 'id', 'method' and 'url'.")
    return value


def _item_body(item_id: str, entry: dict[str, Any], headers: dict[str, str]) -> bytes:
    if "body" not in entry or entry["body"] is None:
        return b""
    content_type = next(
        (v for k, v in headers.items() if k.lower() == "content-type"), None
    )
    if content_type is None:
        raise BatchError(
            f"Write request id : {item_id} does not contain Content-Type header."
        )
    body = entry["body"]
    if isinstance(body, str) and "json" not in content_type.lower():
        try:
            return base64.b64decode(body, validate=True)
        except ValueError as exc:
            raise BatchError(f"Body of request id {item_id} is not base64.") from exc
    return json.dumps(body).encode()


async def _run_item(
    request: Request,
    item: BatchItem,
    by_id: dict[str, BatchItem],
    limits: dict[str | None, anyio.Semaphore],
) -> None:
    try:
        for dep in item.depends_on:
            prerequisite = by_id[dep.lower()]
            await prerequisite.done.wait()
            assert prerequisite.result is not None
            if prerequisite.result["status"] >= 400:
                item.result = _failed_dependency(item, dep)
                return
        path = version_path(item.url)
        async with limits[mailbox_of(path.partition("?")[0])]:
            item.result = await dispatch(request, item, path)
    finally:
        item.done.set()


def version_path(url: str) -> str:
    """The emulator path of an item url: relative to ``/v1.0``, or absolute.

    msgraph-sdk sometimes serialises absolute ``https://graph.microsoft.com/v1.0/…``
    urls (when the request builder already carries its base url); keep only the
    path and query then.
    """
    parts = urlsplit(url)
    if parts.scheme:
        path = parts.path.removeprefix("/v1.0")
        url = path + (f"?{parts.query}" if parts.query else "")
    return "/v1.0" + url if url.startswith("/") else "/v1.0/" + url


def _failed_dependency(item: BatchItem, dep: str) -> dict[str, Any]:
    message = f"Request {item.id} failed because dependency {dep} failed."
    return {
        "id": item.id,
        "status": 424,
        "headers": {"Content-Type": "application/json"},
        "body": {"error": {"code": "FailedDependency", "message": message}},
    }


async def dispatch(request: Request, item: BatchItem, path: str) -> dict[str, Any]:
    """Run ``item`` through the whole app (middleware included) and shape its answer."""
    scope = _item_scope(request, item, path)
    status, headers, body = await call_asgi(request.app, scope, item.body)
    result: dict[str, Any] = {"id": item.id, "status": status, "headers": headers}
    if body:
        content_type = headers.get("Content-Type", "")
        if "json" in content_type:
            result["body"] = json.loads(body)
        else:
            result["body"] = base64.b64encode(body).decode()
    return result


def _item_scope(request: Request, item: BatchItem, path: str) -> Scope:
    raw_path, _, query = path.partition("?")
    headers = [(k.lower().encode(), v.encode()) for k, v in item.headers.items()]
    names = {name for name, _ in headers}
    for name in (b"authorization", b"host", b"client-request-id"):
        value = request.headers.get(name.decode())
        if value is not None and name not in names:
            headers.append((name, value.encode()))
    headers.append((b"content-length", str(len(item.body)).encode()))
    outer = request.scope
    return {
        "type": "http",
        "asgi": outer.get("asgi", {"version": "3.0"}),
        "http_version": outer.get("http_version", "1.1"),
        "method": item.method,
        "scheme": outer.get("scheme", "http"),
        "server": outer.get("server"),
        "client": outer.get("client"),
        "root_path": "",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "headers": headers,
        "state": dict(outer.get("state", {})),
    }


async def call_asgi(
    app: ASGIApp, scope: Scope, body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Call an ASGI app in-process; return (status, kept headers, body)."""
    sent_request = False
    response: dict[str, Any] = {"status": 500, "headers": {}, "body": bytearray()}

    async def receive() -> Message:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            for name, value in message.get("headers", []):
                header = name.decode("latin-1")
                if header.lower() in _KEPT_RESPONSE_HEADERS:
                    response["headers"][_title(header)] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return response["status"], response["headers"], bytes(response["body"])


def _title(header: str) -> str:
    return "-".join(part.capitalize() for part in header.split("-"))


def batch_routes() -> list[Route]:
    return [
        Route("/v1.0/$batch", post_batch, methods=["POST"]),
        Route("/v1.0/%24batch", post_batch, methods=["POST"]),
    ]
