"""Local fan-out plus a relay through a cross-process :class:`Transport`.

Cross-process buses deliver to local subscribers at once and relay through the
backend to the other processes (a process ignores its own echo). The relay
listener reconnects with backoff and jitter. Events published while the relay
was down are not replayed: on reconnect every local channel receives a
``{"type": "resync"}`` event, and subscribers reload anyway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.abc import TaskStatus

from transom.pubsub.base import Event, RelayError, Transport
from transom.pubsub.memory import MemoryBus

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 2.0
BACKOFF_MAX = 30.0
RESYNC: dict[str, Any] = {"type": "resync"}
RELAY_ERRORS = (RelayError, OSError, TimeoutError)


@dataclass
class RelayBus:
    """Local fan-out plus a relay through a :class:`Transport`."""

    transport: Transport
    local: MemoryBus = field(default_factory=MemoryBus)
    origin: str = field(default_factory=lambda: uuid.uuid4().hex)
    connected: bool = False

    async def publish(self, channel: str, event: Event) -> None:
        self.local.deliver(channel, event)
        envelope = json.dumps({"o": self.origin, "c": channel, "e": event})
        try:
            with anyio.fail_after(PUBLISH_TIMEOUT):
                await self.transport.send(envelope)
        except RELAY_ERRORS as exc:
            # Local subscribers have it; other processes re-check within a
            # minute and resync when their relay reconnects.
            log.warning("pub/sub relay could not publish on %s: %r", channel, exc)

    def subscribe(
        self, channel: str
    ) -> AbstractAsyncContextManager[asyncio.Queue[Event]]:
        return self.local.subscribe(channel)

    def receive(self, raw: str) -> None:
        try:
            envelope = json.loads(raw)
            origin, channel, event = envelope["o"], envelope["c"], envelope["e"]
        except (ValueError, KeyError, TypeError):
            log.warning("pub/sub relay ignored a malformed message: %.200r", raw)
            return
        if origin != self.origin and isinstance(event, dict):
            self.local.deliver(str(channel), event)

    async def run(
        self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Listen until cancelled, reconnecting with backoff and jitter.
        Reports started once the first attempt connected or failed."""
        started = False
        attempt = 0

        def connected() -> None:
            nonlocal started, attempt
            self.connected, attempt = True, 0
            # Events may have been missed while away: everyone reloads.
            self.local.deliver_everywhere(RESYNC)
            if not started:
                started = True
                task_status.started()

        while True:
            try:
                await self.transport.listen(connected, self.receive)
            except RELAY_ERRORS as exc:
                log.warning("pub/sub relay lost its connection: %r", exc)
            self.connected = False
            if not started:
                started = True
                task_status.started()
            attempt += 1
            await anyio.sleep(_backoff(attempt))


def _backoff(attempt: int) -> float:
    ceiling = min(BACKOFF_MAX, 0.25 * 2 ** min(attempt, 8))
    return random.uniform(ceiling / 2, ceiling)  # jitter, not crypto
