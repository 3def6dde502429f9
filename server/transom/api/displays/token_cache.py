"""Door displays' device tokens, looked up once every few seconds, not per request.

A display's token is checked against the database (paired, not revoked, its
room), and the answer is kept for :data:`TTL` seconds. A revocation still
refuses it at once: once a token's display is known, this process listens on
the display's :func:`~transom.pubsub.access_channel` (a local queue: the bus
relays every channel to every process anyway), where ``revokeDisplay`` publishes
after committing, in any process sharing the bus; any event there drops the
kept answer and the next request asks the database again. An answer is kept
only when that channel was heard from before its lookup started (so no event
can fall between the lookup and the listening), and never while a
cross-process relay is down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from transom.domain.access import Viewer
from transom.pubsub import Bus, Event, access_channel
from transom.security import hash_token

TTL = 10.0
MAX_ENTRIES = 20_000


@dataclass
class _Entry:
    events: asyncio.Queue[Event]
    stack: AsyncExitStack
    viewer: Viewer | None = None
    checked: float = 0.0  # when the lookup that gave ``viewer`` started


@dataclass
class DeviceTokens:
    """Viewers of device tokens by token hash; without a bus nothing is kept."""

    bus: Bus | None = None
    ttl: float = TTL
    _entries: dict[str, _Entry] = field(default_factory=dict)

    async def viewer(
        self, token: str, look_up: Callable[[], Awaitable[Viewer]]
    ) -> Viewer:
        """The token's viewer: kept, or ``look_up()`` (which raises
        UnauthenticatedError for a token that is unknown or revoked)."""
        if self.bus is None or not getattr(self.bus, "connected", True):
            return await look_up()
        key = hash_token(token)
        entry = self._entries.get(key)
        if entry is not None and _heard(entry):
            entry.viewer = None  # revoked or changed: ask again
        now = time.monotonic()
        if entry is not None and entry.viewer is not None:
            if now - entry.checked < self.ttl:
                return entry.viewer
            entry.viewer = None
        viewer = await look_up()
        if entry is None:
            await self._listen(key, viewer)  # kept from the next lookup on
        elif not _heard(entry) and self._entries.get(key) is entry:
            entry.viewer, entry.checked = viewer, now
        return viewer

    async def _listen(self, key: str, viewer: Viewer) -> None:
        assert self.bus is not None
        if key in self._entries:
            return
        stack = AsyncExitStack()
        events = await stack.enter_async_context(
            self.bus.subscribe(access_channel(viewer.token_id))
        )
        if key in self._entries:
            await stack.aclose()
            return
        self._entries[key] = _Entry(events, stack)
        while len(self._entries) > MAX_ENTRIES:  # the oldest go
            await self._forget(next(iter(self._entries)))

    async def _forget(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            await entry.stack.aclose()

    async def aclose(self) -> None:
        for key in list(self._entries):
            await self._forget(key)


def _heard(entry: _Entry) -> bool:
    """Whether an event came for the entry's display (taking them all)."""
    heard = False
    while not entry.events.empty():
        entry.events.get_nowait()
        heard = True
    return heard
