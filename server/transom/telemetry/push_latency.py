"""Notification → push latency: from a Graph change notification reaching
``/webhooks/graph`` to the push of the room update it caused to websocket
subscribers.

The webhook stamps the arrival (wall clock, so it survives a hop over the event
bus to the process that runs the mailbox's loop); the loop's next round carries
the stamp into the room-change event it publishes (``notifiedAt``); the
subscription that pushes the reloaded room observes the delay here, once per
notification and process however many subscribers it pushes to.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import Histogram

NOTIFIED_AT = "notifiedAt"  # the room-change event's field (Unix seconds)
PUSH_LATENCY = Histogram(
    "transom_notification_push_latency_seconds",
    "From a Graph change notification reaching the webhook to the push of the "
    "room update it caused to websocket subscribers (once per notification).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0),
)
_REMEMBERED = 4096
_observed: OrderedDict[tuple[str, float], None] = OrderedDict()


def observe_pushed(events: Iterable[Mapping[str, Any]]) -> None:
    """After a push: observe each notification the pushed events carried, the
    first time this process pushes it."""
    now = time.time()
    for event in events:
        stamp = event.get(NOTIFIED_AT)
        if not isinstance(stamp, int | float) or isinstance(stamp, bool):
            continue
        key = (str(event.get("roomId")), float(stamp))
        if key in _observed:
            continue
        _observed[key] = None
        if len(_observed) > _REMEMBERED:
            _observed.popitem(last=False)
        PUSH_LATENCY.observe(max(0.0, now - float(stamp)))
