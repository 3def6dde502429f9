"""An id for each HTTP request and websocket, in every log line it causes.

An incoming ``X-Request-ID`` (from a reverse proxy: nginx's ``$request_id``) is
kept when it is short and plain; otherwise a new one is made. HTTP responses
carry it back in ``X-Request-ID``. The middleware also counts open websockets.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from transom.telemetry.instruments import WEBSOCKET_CONNECTIONS
from transom.telemetry.logs import REQUEST_ID, new_request_id

HEADER = b"x-request-id"
ACCEPTED = re.compile(rb"^[A-Za-z0-9._:-]{1,64}$")


class RequestIds:
    """Pure ASGI middleware (streams and websockets pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _incoming(scope) or new_request_id()
        token = REQUEST_ID.set(request_id)
        try:
            if scope["type"] == "websocket":
                with WEBSOCKET_CONNECTIONS.track_inprogress():
                    await self.app(scope, receive, send)
            else:
                await self.app(scope, receive, _echoing(send, request_id))
        finally:
            REQUEST_ID.reset(token)


def _incoming(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == HEADER and ACCEPTED.match(value):
            return str(value.decode("ascii"))
    return None


def _echoing(send: Send, request_id: str) -> Send:
    async def send_with_id(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            headers.append((HEADER, request_id.encode("ascii")))
            message = {**message, "headers": headers}
        await send(message)

    return send_with_id
