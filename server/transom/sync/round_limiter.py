"""How many calendar rounds run at once, with notified changes served first.

Connecting a directory starts a first sync per person; they share ``shared``
slots so Graph is not asked for a thousand delta rounds at the same moment.
A change notification of an already-synced mailbox must not wait behind
them (issue 11: 35-99 s), so rounds come in two classes::

    urgent   (a notified change of a synced mailbox) may use shared + reserved
             slots and is always served before any waiting ordinary round
    ordinary (first syncs, reconciliation rounds, retries) uses the shared
             slots, first come first served

A round waiting as ordinary when its mailbox is notified is promoted
(``promote``). Invariants: at most ``shared`` ordinary rounds and ``shared + reserved`` rounds
in all run at once; a freed slot goes to the oldest urgent waiter, else to the
oldest ordinary waiter that fits; a waiter cancelled while waiting takes no slot.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio


@dataclass
class _Waiter:
    key: str
    urgent: bool
    granted: bool = False
    event: anyio.Event = field(default_factory=anyio.Event)


class RoundLimiter:
    """A two-class capacity limiter (urgent rounds first, with reserved slots).

    Example::

        limiter = RoundLimiter(shared=8, reserved=2)
        async with limiter.slot(urgent=True):
            await loop.step()
    """

    def __init__(self, shared: int, reserved: int = 2) -> None:
        assert shared > 0, "at least one shared slot"
        assert reserved >= 0, "no negative reserve"
        self.shared = shared
        self.reserved = reserved
        self.running_ordinary = 0
        self.running_urgent = 0
        self._waiting: deque[_Waiter] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def slot(self, key: str, *, urgent: bool) -> AsyncIterator[None]:
        """Hold a slot for ``key``'s round (wait for one first if need be)."""
        waiter = await self._acquire(_Waiter(key, urgent))
        try:
            yield
        finally:
            self._release(waiter.urgent)

    def promote(self, key: str) -> None:
        """A notified change arrived while ``key`` waits as ordinary: urgent now."""
        for waiter in self._waiting:
            if waiter.key == key:
                waiter.urgent = True
        self._grant_waiting()

    async def _acquire(self, waiter: _Waiter) -> _Waiter:
        if self._fits(waiter) and not self._ahead_of(waiter):
            self._take(waiter)
            return waiter
        self._waiting.append(waiter)
        try:
            await waiter.event.wait()
        except BaseException:
            if waiter.granted:  # granted while being cancelled: give it back
                self._release(waiter.urgent)
            else:
                self._waiting.remove(waiter)
            raise
        return waiter

    def _fits(self, waiter: _Waiter) -> bool:
        total = self.running_ordinary + self.running_urgent
        if waiter.urgent:
            return total < self.shared + self.reserved
        return self.running_ordinary < self.shared and total < (
            self.shared + self.reserved
        )

    def _ahead_of(self, waiter: _Waiter) -> bool:
        """Whether someone waiting would be served before ``waiter``."""
        if waiter.urgent:
            return any(w.urgent for w in self._waiting)
        return bool(self._waiting)

    def _take(self, waiter: _Waiter) -> None:
        if waiter.urgent:
            self.running_urgent += 1
        else:
            self.running_ordinary += 1
        waiter.granted = True

    def _release(self, urgent: bool) -> None:
        if urgent:
            self.running_urgent -= 1
        else:
            self.running_ordinary -= 1
        self._grant_waiting()

    def _grant_waiting(self) -> None:
        for urgent_pass in (True, False):
            for waiter in [w for w in self._waiting if w.urgent is urgent_pass]:
                if not self._fits(waiter):
                    if urgent_pass:
                        return  # no slot at all: nobody else fits either
                    break
                self._waiting.remove(waiter)
                self._take(waiter)
                waiter.event.set()
