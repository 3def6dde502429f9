"""The bus for a ``TRANSOM_PUBSUB_URL``, chosen by its scheme.

- ``memory://`` (default): fan-out inside this process.
- ``redis://host:port/db``: Redis pub/sub (extra ``transom[redis]``).
- ``postgresql://user@host/db``: PostgreSQL ``LISTEN``/``NOTIFY`` (extra
  ``transom[postgres]``), the same without running Redis.

A cross-process bus runs its relay listener in a task group owned by
:func:`create_bus`, which the app lifespan enters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

from transom.pubsub.base import Bus, Transport
from transom.pubsub.memory import MemoryBus
from transom.pubsub.relay import RelayBus

CONNECT_TIMEOUT = 5.0


@asynccontextmanager
async def create_bus(url: str, namespace: str = "") -> AsyncIterator[Bus]:
    """The bus for ``url``; cross-process buses run their relay listener in a
    task group owned by this context manager (enter it from the lifespan).
    ``namespace`` (``Settings.pubsub_namespace``) keeps deployments that share
    a Redis or PostgreSQL server apart."""
    scheme = url.split("://", 1)[0]
    if scheme == "memory":
        yield MemoryBus()
        return
    bus = RelayBus(create_transport(url, namespace))
    try:
        async with anyio.create_task_group() as group:
            with anyio.move_on_after(CONNECT_TIMEOUT):
                await group.start(bus.run)
            yield bus
            group.cancel_scope.cancel()
    finally:
        await bus.transport.aclose()


def create_transport(url: str, namespace: str = "") -> Transport:
    """The cross-process transport for a ``redis://`` or ``postgresql://`` URL
    (Settings has checked that its driver is installed)."""
    scheme = url.split("://", 1)[0]
    if scheme == "redis":
        from transom.pubsub.redis_transport import RedisTransport

        return RedisTransport(url, namespace)
    if scheme in ("postgresql", "postgresql+asyncpg"):
        from transom.pubsub.postgres_transport import PostgresTransport

        return PostgresTransport(url, namespace)
    raise ValueError(
        f"pub/sub URL {url!r}: the scheme must be memory://, redis:// or postgresql://"
    )
