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
cross-process relay is down. The listening is held under the lifespan's task
group (:class:`~transom.pubsub.HeldSubscriptions`), not by the request that
first saw the token.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from transom.domain.access import Viewer
from transom.pubsub import Held, HeldSubscriptions, access_channel
from transom.security import hash_token

TTL = 10.0
MAX_ENTRIES = 20_000


@dataclass
class _Entry:
    held: Held
    viewer: Viewer | None = None
    checked: float = 0.0  # when the lookup that gave ``viewer`` started


@dataclass
class DeviceTokens:
    """Viewers of device tokens by token hash; without subscriptions nothing
    is kept."""

    subscriptions: HeldSubscriptions | None = None
    ttl: float = TTL
    _entries: dict[str, _Entry] = field(default_factory=dict)

    async def viewer(
        self, token: str, look_up: Callable[[], Awaitable[Viewer]]
    ) -> Viewer:
        """The token's viewer: kept, or ``look_up()`` (which raises
        UnauthenticatedError for a token that is unknown or revoked)."""
        subscriptions = self.subscriptions
        if subscriptions is None or not subscriptions.connected:
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
            await self._listen(subscriptions, key, viewer)  # kept from the next one
        elif not _heard(entry) and self._entries.get(key) is entry:
            entry.viewer, entry.checked = viewer, now
        return viewer

    async def _listen(
        self, subscriptions: HeldSubscriptions, key: str, viewer: Viewer
    ) -> None:
        if key in self._entries:
            return
        held = await subscriptions.hold(access_channel(viewer.token_id))
        if held is None:
            return  # shutting down
        if key in self._entries:
            subscriptions.release(held)
            return
        self._entries[key] = _Entry(held)
        while len(self._entries) > MAX_ENTRIES:  # the oldest go
            oldest = self._entries.pop(next(iter(self._entries)))
            subscriptions.release(oldest.held)


def _heard(entry: _Entry) -> bool:
    """Whether an event came for the entry's display (taking them all)."""
    heard = False
    events = entry.held.events
    while not events.empty():
        events.get_nowait()
        heard = True
    return heard
