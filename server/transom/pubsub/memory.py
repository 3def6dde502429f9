"""Fan-out inside one process (``memory://``, and the local half of a relay)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from transom.pubsub.base import Event

QUEUE_SIZE = 256


@dataclass
class MemoryBus:
    """Fan-out inside one process. A slow subscriber loses its oldest events
    rather than blocking publishers (it reloads on the next one anyway)."""

    _queues: dict[str, set[asyncio.Queue[Event]]] = field(
        default_factory=lambda: defaultdict(set)
    )

    async def publish(self, channel: str, event: Event) -> None:
        self.deliver(channel, event)

    def deliver(self, channel: str, event: Event) -> None:
        """Queue ``event`` for the channel's subscribers, stamped with
        ``received`` (``time.monotonic()``), so subscribers woken by the same
        event can share one reload."""
        queues = list(self._queues.get(channel, ()))
        if not queues:
            return
        event = {**event, "received": time.monotonic()}
        for queue in queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    def deliver_everywhere(self, event: Event) -> None:
        for channel in list(self._queues):
            self.deliver(channel, event)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._queues[channel].add(queue)
        try:
            yield queue
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]
