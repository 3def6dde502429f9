"""A real webhook endpoint for tests: answers Graph's handshake, records notifications.

Serve :attr:`WebhookReceiver.app` with ``serve_in_thread``; it exposes
``/hook`` (change notifications) and ``/lifecycle``. ``handshake`` picks how it
answers a ``validationToken`` (``echo``, ``wrong``, ``error``) and ``fail_next``
makes the next N notification POSTs answer 500 so the emulator has to retry.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


class WebhookReceiver:
    def __init__(self) -> None:
        self.handshake = "echo"
        self.fail_next = 0
        self.validations: list[str] = []
        self.posts: list[dict[str, Any]] = []
        self.failed_posts = 0
        self.notifications: list[dict[str, Any]] = []
        self.lifecycle: list[dict[str, Any]] = []
        self.received_at: list[float] = []
        self.app = Starlette(
            routes=[
                Route("/hook", self._hook, methods=["POST"]),
                Route("/lifecycle", self._lifecycle, methods=["POST"]),
            ]
        )

    def _validate(self, token: str) -> Response:
        self.validations.append(token)
        if self.handshake == "wrong":
            return PlainTextResponse(token + "x")
        if self.handshake == "error":
            return Response(status_code=500)
        return PlainTextResponse(token)

    async def _hook(self, request: Request) -> Response:
        token = request.query_params.get("validationToken")
        if token is not None:
            return self._validate(token)
        body = await request.json()
        if self.fail_next > 0:
            self.fail_next -= 1
            self.failed_posts += 1
            return Response(status_code=500)
        self.posts.append(body)
        self.notifications.extend(body["value"])
        self.received_at.extend(time.monotonic() for _ in body["value"])
        return Response(status_code=202)

    async def _lifecycle(self, request: Request) -> Response:
        token = request.query_params.get("validationToken")
        if token is not None:
            return self._validate(token)
        self.lifecycle.extend((await request.json())["value"])
        return Response(status_code=202)


async def eventually(check: Any, within: float = 3.0) -> None:
    """Wait until ``check()`` is truthy, polling; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        await anyio.sleep(0.02)
    raise AssertionError(f"condition not met within {within} s")
