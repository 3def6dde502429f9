"""Change events for subscriptions, by channel.

Events carry ids only; subscribers reload data and re-check the tenant. The
backend is chosen by URL scheme (``TRANSOM_PUBSUB_URL``):

- ``memory://`` (default): fan-out inside this process.
- ``redis://host:port/db``: Redis pub/sub, so several ``transom serve``
  processes push the same events.
- ``postgresql://user@host/db``: PostgreSQL ``LISTEN``/``NOTIFY``, the same
  without running Redis.

Cross-process buses deliver to local subscribers at once and relay through the
backend to the other processes (a process ignores its own echo). The relay
listener is owned by :func:`create_bus`'s task group, which the app lifespan
enters, and reconnects with backoff and jitter. Events published while the
relay was down are not replayed: on reconnect every local channel receives a
``{"type": "resync"}`` event, and subscribers reload anyway.

    async with create_bus("redis://127.0.0.1:6379/0") as bus:
        async with bus.subscribe(room_channel(room_id)) as events:
            event = await events.get()
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio
from anyio.abc import TaskStatus

__all__ = [
    "Bus",
    "MemoryBus",
    "RelayBus",
    "RelayError",
    "access_channel",
    "create_bus",
    "display_channel",
    "person_channel",
    "room_channel",
    "tenant_channel",
]

log = logging.getLogger(__name__)

QUEUE_SIZE = 256
PUBLISH_TIMEOUT = 2.0
CONNECT_TIMEOUT = 5.0
BACKOFF_MAX = 30.0
RESYNC: dict[str, Any] = {"type": "resync"}

Event = dict[str, Any]


OUTBOX_CHANNEL = "outbox"
"""Published after a Graph write is enqueued or released; outbox workers wake."""
SYNC_CHANNEL = "sync"
"""Signals to every process's sync supervisor (``sync.supervisor``): reconcile
now, wake loops, or change notifications another process received."""


def room_channel(room_id: str) -> str:
    return f"room:{room_id}"


def tenant_channel(tenant_id: str) -> str:
    return f"tenant:{tenant_id}"


def display_channel(display_id: str) -> str:
    return f"display:{display_id}"


def access_channel(credential_id: str) -> str:
    """A credential was revoked or its rights changed (``Viewer.token_id``: a
    display's id, an API token's id, ``admin-session:<id>``)."""
    return f"access:{credential_id}"


def person_channel(person_id: str) -> str:
    """A person's availability inputs changed (calendar, absences, toggle)."""
    return f"person:{person_id}"


class Bus(Protocol):
    """What publishers and subscribers use, whatever the backend."""

    async def publish(self, channel: str, event: Event) -> None: ...

    def subscribe(
        self, channel: str
    ) -> AbstractAsyncContextManager[asyncio.Queue[Event]]: ...


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


class RelayError(Exception):
    """A cross-process backend failed (connection lost, server away)."""


OnMessage = Callable[[str], None]


class Transport(Protocol):
    """A cross-process backend: sends envelopes and listens for everyone's."""

    async def send(self, envelope: str) -> None:
        """Send one envelope to every process; raise RelayError on failure."""

    async def listen(
        self, on_connected: Callable[[], None], on_message: OnMessage
    ) -> None:
        """Connect, call ``on_connected``, then relay messages until the
        connection fails (raise RelayError); never returns normally."""

    async def aclose(self) -> None: ...


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


@asynccontextmanager
async def create_bus(url: str) -> AsyncIterator[Bus]:
    """The bus for ``url``; cross-process buses run their relay listener in a
    task group owned by this context manager (enter it from the lifespan)."""
    scheme = url.split("://", 1)[0]
    if scheme == "memory":
        yield MemoryBus()
        return
    bus = RelayBus(_transport(scheme, url))
    try:
        async with anyio.create_task_group() as group:
            with anyio.move_on_after(CONNECT_TIMEOUT):
                await group.start(bus.run)
            yield bus
            group.cancel_scope.cancel()
    finally:
        await bus.transport.aclose()


def _transport(scheme: str, url: str) -> Transport:
    if scheme == "redis":
        from transom.pubsub_redis import RedisTransport

        return RedisTransport(url)
    if scheme == "postgresql":
        from transom.pubsub_postgres import PostgresTransport

        return PostgresTransport(url)
    raise ValueError(
        f"pub/sub URL {url!r}: the scheme must be memory://, redis:// or postgresql://"
    )
