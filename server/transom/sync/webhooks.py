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
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from transom.domain.json_depth import loads_bounded
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
    supervisor: SyncSupervisor | None = getattr(request.state, "sync", None)
    items = payload.get("value") if isinstance(payload, dict) else None
    if supervisor is not None and isinstance(items, list):
        accepted = sum(
            supervisor.notify(item) for item in items if isinstance(item, dict)
        )
        if accepted < len(items):
            log.info("ignored %d unknown notification(s)", len(items) - accepted)
    return Response(status_code=202)
