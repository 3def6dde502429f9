"""The PostgreSQL ``LISTEN``/``NOTIFY`` transport of :class:`transom.pubsub.relay.RelayBus`.

One listening connection per process on the ``transom_events`` channel, and one
connection for ``pg_notify`` (serialised by a lock; reopened after failure).
NOTIFY payloads are limited to 8,000 bytes, far above an id-only event. asyncpg
errors become :class:`~transom.pubsub.base.RelayError`; the bus reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import anyio
import asyncpg

from transom.pubsub.base import RelayError

CHANNEL = "transom_events"
TIMEOUT = 5.0
KEEPALIVE_SECONDS = 10.0
APPLICATION_NAME = "transom-pubsub"


def plain_dsn(url: str) -> str:
    """asyncpg wants ``postgresql://``; accept SQLAlchemy's ``+asyncpg`` too."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class PostgresTransport:
    """Notifies and listens on one PostgreSQL channel."""

    def __init__(self, url: str, namespace: str = "") -> None:
        # One channel per deployment (``transom_events_<ns>``): deployments
        # sharing one PostgreSQL server never hear each other.
        self._channel = f"{CHANNEL}_{namespace}" if namespace else CHANNEL
        self._dsn = plain_dsn(url)
        self._sender: Any = None
        self._lock = asyncio.Lock()

    async def send(self, envelope: str) -> None:
        async with self._lock:
            try:
                if self._sender is None or self._sender.is_closed():
                    self._sender = await _connect(self._dsn)
                await self._sender.execute(
                    "SELECT pg_notify($1, $2)", self._channel, envelope
                )
            except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                await self._drop_sender()
                raise RelayError(f"PostgreSQL NOTIFY failed: {exc}") from exc

    async def listen(
        self, on_connected: Callable[[], None], on_message: Callable[[str], None]
    ) -> None:
        try:
            conn = await _connect(self._dsn)
        except asyncpg.PostgresError as exc:
            raise RelayError(f"PostgreSQL LISTEN failed: {exc}") from exc
        lost = anyio.Event()
        try:
            conn.add_termination_listener(lambda _conn: lost.set())
            await conn.add_listener(
                self._channel, lambda _c, _pid, _ch, payload: on_message(payload)
            )
            on_connected()
            await _watch(conn, lost)
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise RelayError(f"PostgreSQL LISTEN failed: {exc}") from exc
        finally:
            with anyio.CancelScope(shield=True):
                await _close(conn)

    async def aclose(self) -> None:
        async with self._lock:
            await self._drop_sender()

    async def _drop_sender(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            await _close(sender)


async def _connect(dsn: str) -> Any:
    return await asyncpg.connect(
        dsn, timeout=TIMEOUT, server_settings={"application_name": APPLICATION_NAME}
    )


async def _watch(conn: Any, lost: anyio.Event) -> None:
    """Return never; raise when the connection dies (a keepalive query notices
    a silently dropped socket that the termination listener would miss)."""
    while True:
        with anyio.move_on_after(KEEPALIVE_SECONDS):
            await lost.wait()
        if lost.is_set():
            raise RelayError("PostgreSQL closed the LISTEN connection")
        with anyio.fail_after(TIMEOUT):
            await conn.execute("SELECT 1")


async def _close(conn: Any) -> None:
    # Closing a connection that already died has nothing left to release.
    with contextlib.suppress(
        asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError
    ):
        await asyncio.wait_for(conn.close(), TIMEOUT)
