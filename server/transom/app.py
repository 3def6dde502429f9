"""create_app(settings) -> Starlette: routes, lifespan and wiring.

This is the only module that imports every layer.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from transom.api.audit.export import audit_export_routes
from transom.api.context import Services
from transom.api.displays.token_cache import DeviceTokens
from transom.api.rooms.snapshots import RoomSnapshots
from transom.api.schema import build_schema
from transom.api.sync.health import stale_limit
from transom.api.transport.cors import cors_middleware
from transom.api.transport.http import graphql_app
from transom.check.readiness import readyz
from transom.db.engine import create_engine, create_sessions, dispose_engine
from transom.db.migrate import upgrade_to_head
from transom.db.secret_key_check import check_secret_key
from transom.db.tokens import ensure_bootstrap_token
from transom.domain.clock import Clock, system_clock
from transom.graph import observe_requests
from transom.pages import admin_routes, signage_routes
from transom.pages.graphiql import GraphiQLSwitch, graphiql_routes
from transom.pubsub import HeldSubscriptions, create_bus
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.calendars.subscriptions import WEBHOOK_PATH
from transom.sync.commands.service import SyncService
from transom.sync.env import SyncEnv
from transom.sync.supervisor import SyncSupervisor
from transom.sync.webhooks import graph_webhook
from transom.telemetry.endpoint import metrics_routes
from transom.telemetry.instruments import GraphRequestMetrics
from transom.telemetry.request_ids import RequestIds

log = logging.getLogger(__name__)
GRAPH_METRICS = GraphRequestMetrics()


def create_app(settings: Settings, *, clock: Clock = system_clock) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        engine = create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        await check_secret_key(engine, SecretBox(str(settings.secret_key)))
        await upgrade_to_head(engine)
        observe_requests(GRAPH_METRICS)
        sessions = create_sessions(engine)
        if settings.bootstrap_token is not None:
            async with sessions() as session:
                await ensure_bootstrap_token(
                    session, token=str(settings.bootstrap_token)
                )
                await session.commit()
        try:
            async with create_bus(
                settings.pubsub_url, settings.pubsub_namespace
            ) as bus:
                env = SyncEnv.create(settings, sessions, bus, clock)
                supervisor = SyncSupervisor(env) if settings.run_sync else None
                # what kept reads listen to, held by one task of ours
                held = HeldSubscriptions(bus)
                services = Services(
                    settings=settings,
                    sessions=sessions,
                    clock=clock,
                    bus=bus,
                    sync=SyncService(env, supervisor),
                    snapshots=RoomSnapshots(
                        stale_limit=stale_limit(settings),
                        subscriptions=held,
                        # as long as a live subscription's timer trusts one
                        reuse_for=settings.live_recheck_seconds / 2,
                    ),
                    device_tokens=DeviceTokens(subscriptions=held),
                )
                async with anyio.create_task_group() as tasks:
                    await tasks.start(held.run)
                    if supervisor is not None:
                        await tasks.start(supervisor.run)
                    yield {"services": services, "engine": engine, "sync": supervisor}
                    tasks.cancel_scope.cancel()
                await env.clients.aclose()
        finally:
            await dispose_engine(engine)

    graphql = graphql_app(build_schema())
    graphql.graphql_ide = None  # GraphiQLSwitch serves Transom's own page
    graphql_page = GraphiQLSwitch(
        graphql, enabled=settings.graphiql, assets_dir=settings.assets_dir
    )
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_page, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route(WEBHOOK_PATH, graph_webhook, methods=["POST"]),
        *audit_export_routes(),
        *admin_routes(settings),
        *signage_routes(settings),
        *graphiql_routes(settings.assets_dir, enabled=settings.graphiql),
        *metrics_routes(settings.metrics_token),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        # Request ids outermost: CORS refusals carry one too.
        middleware=[Middleware(RequestIds), *cors_middleware(settings)],
    )


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})
