"""Change events for subscriptions, by channel.

Events carry ids only; subscribers reload data and re-check the tenant. The
in-process backend is the default (``memory://``); a cross-process backend is
chosen by URL scheme.

    async with bus.subscribe(room_channel(room_id)) as events:
        async for event in events: ...
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

QUEUE_SIZE = 256


def room_channel(room_id: str) -> str:
    return f"room:{room_id}"


def tenant_channel(tenant_id: str) -> str:
    return f"tenant:{tenant_id}"


@dataclass
class MemoryBus:
    """Fan-out inside one process. A slow subscriber loses its oldest events
    rather than blocking publishers (it reloads on the next one anyway)."""

    _queues: dict[str, set[asyncio.Queue[dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(set)
    )

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        for queue in list(self._queues.get(channel, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(
        self, channel: str
    ) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._queues[channel].add(queue)
        try:
            yield queue
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]
