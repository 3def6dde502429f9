"""``/metrics`` in Prometheus's text format, for whoever holds the token.

Off unless ``TRANSOM_METRICS_TOKEN`` is set (then ``/metrics`` answers 404);
with it, a scrape must send ``Authorization: Bearer <token>``. Each scrape
joins the process's counters (:mod:`transom.telemetry.instruments`) and a
snapshot read from the database (:mod:`transom.telemetry.database_metrics`).
"""

from __future__ import annotations

import hmac
import logging

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from prometheus_client.registry import CollectorRegistry
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from transom.settings import Secret
from transom.telemetry.database_metrics import SnapshotCollector, read_snapshot

log = logging.getLogger(__name__)


def metrics_routes(token: Secret | None) -> list[BaseRoute]:
    if token is None:
        return []

    async def metrics(request: Request) -> Response:
        if not _bearer_matches(request, str(token)):
            return PlainTextResponse(
                "send Authorization: Bearer <TRANSOM_METRICS_TOKEN>",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        body = generate_latest(REGISTRY) + await _database_metrics(request)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", metrics)]


def _bearer_matches(request: Request, token: str) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        value.strip().encode(), token.encode()
    )


async def _database_metrics(request: Request) -> bytes:
    services = request.state.services
    try:
        async with services.sessions() as session:
            snapshot = await read_snapshot(session, services.clock())
    except (SQLAlchemyError, OSError) as exc:
        log.warning("metrics: the database could not be read: %s", exc)
        return b"# the database could not be read\n"
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return generate_latest(registry)
