"""When an outbox writer looks for due rows again: at once when woken, else when
the next row is due, at most every ``idle_seconds``.

Writers are woken in their own process (``wake()`` after enqueueing) and from
any process through ``OUTBOX_CHANNEL`` on the event bus (``listen``).
"""

from __future__ import annotations

import anyio

from transom.db import outbox as outbox_repo
from transom.db.engine import Sessions
from transom.domain.clock import Clock
from transom.pubsub import OUTBOX_CHANNEL, Bus


class Wakeup:
    """The idle wait of one writer, for rows of ``kinds`` (None: the default set).

    ``floor`` is the shortest wait when a row is already due, so a row that
    keeps failing at once cannot spin the loop.
    """

    def __init__(
        self,
        *,
        sessions: Sessions,
        bus: Bus,
        clock: Clock,
        idle_seconds: float,
        kinds: tuple[str, ...] | None = None,
        floor: float = 0.0,
    ) -> None:
        self._sessions = sessions
        self._bus = bus
        self._clock = clock
        self._idle_seconds = idle_seconds
        self._kinds = kinds
        self._floor = floor
        self._event = anyio.Event()

    def set(self) -> None:
        """Look for due rows now instead of after the idle wait."""
        self._event.set()

    async def listen(self) -> None:
        """Wake on every event of ``OUTBOX_CHANNEL`` until cancelled."""
        async with self._bus.subscribe(OUTBOX_CHANNEL) as events:
            while True:
                await events.get()
                self.set()

    async def idle(self) -> None:
        """Wait until woken, the next row is due, or ``idle_seconds`` passed."""
        async with self._sessions() as session:
            due = await outbox_repo.next_due_at(session, kinds=self._kinds)
        wait = self._idle_seconds
        if due is not None:
            wait = min(wait, max(self._floor, (due - self._clock()).total_seconds()))
        with anyio.move_on_after(wait):
            await self._event.wait()
        self._event = anyio.Event()
