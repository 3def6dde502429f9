"""The Redis pub/sub transport of :class:`transom.pubsub.relay.RelayBus`.

One pattern subscription per process (``transom:*``) carries every channel, so
subscribing a websocket costs no round trip to Redis. Redis errors become
:class:`~transom.pubsub.base.RelayError`; the bus reconnects.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import cast

import anyio
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from transom.pubsub.base import RelayError

PREFIX = "transom:"
CHANNEL = PREFIX + "events"
"""The channel name; a deployment's namespace is appended (``transom:events:<ns>``),
so two deployments sharing one Redis never hear each other (Redis pub/sub
ignores the database number)."""
POLL_SECONDS = 1.0
SOCKET_TIMEOUT = 5.0


class RedisTransport:
    """Publishes on and listens to one Redis channel."""

    def __init__(self, url: str, namespace: str = "") -> None:
        self._channel = f"{CHANNEL}:{namespace}" if namespace else CHANNEL
        self._client: aioredis.Redis = aioredis.from_url(
            url,
            socket_connect_timeout=SOCKET_TIMEOUT,
            socket_timeout=SOCKET_TIMEOUT,
            health_check_interval=15,
        )

    async def send(self, envelope: str) -> None:
        try:
            await self._client.publish(self._channel, envelope)
        except RedisError as exc:
            raise RelayError(f"Redis publish failed: {exc}") from exc

    async def listen(
        self, on_connected: Callable[[], None], on_message: Callable[[str], None]
    ) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
            on_connected()
            while True:
                message = await pubsub.get_message(timeout=POLL_SECONDS)
                if message is not None and message["type"] == "message":
                    data = message["data"]
                    on_message(data.decode() if isinstance(data, bytes) else data)
        except RedisError as exc:
            raise RelayError(f"Redis subscription failed: {exc}") from exc
        finally:
            with anyio.CancelScope(shield=True):
                await _close(pubsub)

    async def aclose(self) -> None:
        await self._client.aclose()


async def _close(pubsub: aioredis.client.PubSub) -> None:
    # Closing a connection that already died has nothing left to release.
    with contextlib.suppress(RedisError, OSError):
        # Some redis-py releases leave aclose untyped, others type it.
        close = cast("Callable[[], Awaitable[None]]", pubsub.aclose)
        await close()
