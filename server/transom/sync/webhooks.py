"""``/webhooks/graph``: Graph change and lifecycle notifications (graph-contract.md §4).

- ``?validationToken=…`` (subscription creation): 200 ``text/plain`` echo of the
  decoded token, at once.
- Otherwise a JSON ``{"value": [...]}``: each notification whose subscription id
  and ``clientState`` match what we stored wakes that room's loop; others are
  ignored. The answer is 202 at once: no Graph call and no database work happen
  in the request (Graph flags endpoints slower than ~3 s).

The same URL serves as ``lifecycleNotificationUrl``: a notification with
``lifecycleEvent`` (missed / reauthorizationRequired / subscriptionRemoved) is
routed by ``SyncSupervisor.notify``.

With several processes behind a load balancer, a notification may reach one
that does not run the subscription's loop: it is passed on over the event bus
(``SYNC_CHANNEL``), and the process that runs the loop wakes it (having looked
the subscription up in the database if it did not know it). Notifications no
process knows are ignored there.
"""

from __future__ import annotations

import logging
import time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from transom.domain.json_depth import loads_bounded
from transom.pubsub import SYNC_CHANNEL
from transom.sync.supervisor import SyncSupervisor

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000


async def graph_webhook(request: Request) -> Response:
    token = request.query_params.get("validationToken")
    if token is not None:
        return PlainTextResponse(token)
    body = await request.body()
    if len(body) > MAX_BODY:
        return Response(status_code=413)
    try:
        payload = loads_bounded(body)
    except ValueError:  # bad UTF-8, bad JSON or nested too deep
        return Response(status_code=400)
    arrived = time.time()  # notification → push latency (transom.telemetry)
    supervisor: SyncSupervisor | None = getattr(request.state, "sync", None)
    items = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        return Response(status_code=202)
    notifications = [item for item in items if isinstance(item, dict)]
    elsewhere = [
        item
        for item in notifications
        if supervisor is None or not supervisor.notify(item, arrived=arrived)
    ]
    if elsewhere:
        # Another process runs the loop (or owns the subscription): every
        # supervisor hears of it; the one running the loop wakes it.
        services = request.state.services
        await services.bus.publish(
            SYNC_CHANNEL,
            {"type": "notifications", "items": elsewhere, "arrived": arrived},
        )
    return Response(status_code=202)
