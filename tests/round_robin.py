"""A round-robin HTTP proxy: a load balancer stand-in for several Transom processes.

Each request (not each connection) goes to the next backend, so a client that
keeps its connection open, Graph's webhook delivery included, still lands on
every process in turn. Websockets are not proxied (tests open them directly).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


def round_robin_app(backends: list[str]) -> Starlette:
    turns = itertools.cycle(backends)
    client: dict[str, httpx.AsyncClient] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=30) as http:
            client["http"] = http
            yield

    async def forward(request: Request) -> Response:
        url = next(turns) + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP
        }
        try:
            answer = await client["http"].request(
                request.method, url, headers=headers, content=await request.body()
            )
        except httpx.TransportError:
            return Response(status_code=502)  # that backend is down
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(answer.content, answer.status_code, headers=kept)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(
        routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan
    )
