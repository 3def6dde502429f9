"""Graph's error body, built in one place.

Every Graph route answers failures as Microsoft Graph does (graph-contract.md §7.1)::

    {"error": {"code": "ErrorItemNotFound", "message": "...",
               "innerError": {"date": "...", "request-id": "...", "client-request-id": "..."}}}

with ``request-id`` and ``client-request-id`` response headers. Handlers raise
:class:`GraphError`; the app's exception handler turns it into :func:`graph_error`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class GraphError(Exception):
    """A Graph failure to answer with ``status`` and Graph's error body.

    >>> raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def request_ids(request: Request) -> tuple[str, str]:
    """The (request-id, client-request-id) pair for this request, stable per request."""
    request_id = getattr(request.state, "graph_request_id", None)
    if request_id is None:
        request_id = str(uuid.uuid4())
        request.state.graph_request_id = request_id
    client_id = request.headers.get("client-request-id") or request_id
    return request_id, client_id


def graph_error(
    status: int,
    code: str,
    message: str,
    request: Request,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Graph's JSON error response with ``innerError`` and the request-id headers."""
    request_id, client_id = request_ids(request)
    inner = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": request_id,
        "client-request-id": client_id,
    }
    body = {"error": {"code": code, "message": message, "innerError": inner}}
    all_headers = {"request-id": request_id, "client-request-id": client_id}
    all_headers.update(headers or {})
    return JSONResponse(body, status_code=status, headers=all_headers)


async def handle_graph_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for :class:`GraphError`."""
    assert isinstance(exc, GraphError)
    return graph_error(exc.status, exc.code, exc.message, request, exc.headers)


def not_found_item() -> GraphError:
    return GraphError(
        404, "ErrorItemNotFound", "The specified object was not found in the store."
    )


def invalid_request(message: str, code: str = "ErrorInvalidRequest") -> GraphError:
    return GraphError(400, code, message)
