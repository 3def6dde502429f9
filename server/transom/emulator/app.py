"""The emulator's Starlette application.

``build_app(emulator, state_file)`` wires the Entra routes (:mod:`.identity`), the
Graph routes of the core modules, then the edge features' routes and middleware
(:mod:`.edges`), Graph-shaped error handlers, and a lifespan whose worker runs
deferred jobs (the room booking attendant) and saves the state when dirty.
The state lives at ``app.state.emulator``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from . import (
    authorize,
    calendar_routes,
    directory,
    edges,
    event_routes,
    identity,
    mailbox_settings,
    places,
    schedule,
)
from .errors import GraphError, graph_error, handle_graph_error
from .paths import PathNormaliser
from .persistence import save_state
from .store import Emulator

logger = logging.getLogger("transom.emulator")

WORKER_TICK = 0.02
SAVE_EVERY = 1.0


def graph_routes() -> list[BaseRoute]:
    return [
        *directory.routes,
        *places.routes,
        *mailbox_settings.routes,
        *schedule.routes,
        *calendar_routes.routes,
        *event_routes.routes,
    ]


async def _not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if not request.url.path.startswith("/v1.0/"):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    if exc.status_code == 405:
        return graph_error(
            405,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
            request,
        )
    segment = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    return graph_error(
        400, "BadRequest", f"Resource not found for the segment '{segment}'.", request
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    logger.exception("emulator request failed: %s %s", request.method, request.url.path)
    return graph_error(
        500, "InternalServerError", "An internal server error occurred.", request
    )


async def _worker(emulator: Emulator, state_file: Path | None) -> None:
    since_save = 0.0
    while True:
        await anyio.sleep(WORKER_TICK)
        emulator.run_due()
        since_save += WORKER_TICK
        if state_file is not None and emulator.dirty and since_save >= SAVE_EVERY:
            save_state(emulator, state_file)
            since_save = 0.0


def build_app(emulator: Emulator, state_file: Path | None = None) -> Starlette:
    """A Starlette app serving ``emulator``; saves to ``state_file`` if given."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as group:
            group.start_soon(_worker, emulator, state_file)
            try:
                yield
            finally:
                group.cancel_scope.cancel()
        if state_file is not None:
            save_state(emulator, state_file)

    routes = [
        *identity.routes,
        *authorize.routes,
        *graph_routes(),
        *edges.edge_routes(emulator),
    ]
    middleware = [Middleware(PathNormaliser), *edges.edge_middleware(emulator)]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            GraphError: handle_graph_error,
            HTTPException: _not_found,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.emulator = emulator
    return app
