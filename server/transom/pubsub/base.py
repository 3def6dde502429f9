"""What every bus and every cross-process transport provides.

Backends import this module only; :mod:`transom.pubsub.factory` picks one by URL
scheme, so no backend imports another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Event = dict[str, Any]
OnMessage = Callable[[str], None]


class Bus(Protocol):
    """What publishers and subscribers use, whatever the backend."""

    async def publish(self, channel: str, event: Event) -> None: ...

    def subscribe(
        self, channel: str
    ) -> AbstractAsyncContextManager[asyncio.Queue[Event]]: ...


class RelayError(Exception):
    """A cross-process backend failed (connection lost, server away)."""


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
