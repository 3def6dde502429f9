"""Which process runs which sync work: leases in the shared database.

Every process that runs sync (``TRANSOM_RUN_SYNC``) beats every :data:`BEAT`:
it records its heartbeat, renews its leases (valid :data:`TTL`), and takes its
fair share of the work everyone wants done (the keys: a room id, ``person:<id>``,
or a cluster-wide singleton such as ``singleton:no-show-release``). The share is
``ceil(keys / live processes)``: a process holding more gives the extra keys up
(a joining process takes them at its next beat); one holding fewer claims free
or expired keys. A process that dies stops beating: its leases expire within
:data:`TTL` and the others, counting one process fewer, take its keys over. A
process that stops cleanly (SIGTERM) gives everything back at once.

Claims are atomic upserts (``db.sync_leases.claim``): whatever the timing, a
key has at most one live owner, and each process runs only the work it holds.
No consensus of our own: the database's row locks decide.

Example::

    ownership = Ownership(sessions, clock)
    mine = await ownership.beat({"room-1", "room-2", "singleton:no-show-release"})
    ...
    await ownership.leave()
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import socket
import uuid
from collections.abc import Collection
from datetime import timedelta

from transom.db import sync_leases
from transom.db.engine import Sessions
from transom.domain.clock import Clock

log = logging.getLogger(__name__)

BEAT = timedelta(seconds=5)
TTL = timedelta(seconds=20)

SINGLETONS = (
    "singleton:no-show-release",
    "singleton:directory-refresh",
    "singleton:connection-checks",
)
"""Work that must run once in the whole deployment, whatever its size."""


def process_name() -> str:
    """A name for this process, unique across machines and restarts."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Ownership:
    """This process's leases on sync work."""

    def __init__(
        self,
        sessions: Sessions,
        clock: Clock,
        *,
        process_id: str | None = None,
        ttl: timedelta = TTL,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.process_id = process_id or process_name()
        self._ttl = ttl
        self.owned: set[str] = set()

    def owns(self, key: str) -> bool:
        return key in self.owned

    async def beat(self, wanted: Collection[str]) -> set[str]:
        """Heartbeat, renew, rebalance; the keys of ``wanted`` this process holds."""
        wanted = set(wanted)
        now = self._clock()
        until = now + self._ttl
        async with self._sessions() as session:
            await sync_leases.heartbeat(session, process_id=self.process_id, now=now)
            await sync_leases.forget_dead(session, before=now - 3 * self._ttl)
            live = await sync_leases.live_processes(session, since=now - self._ttl)
            mine = await sync_leases.renew(
                session, owner=self.process_id, keep=wanted, until=until
            )
            share = math.ceil(len(wanted) / live)
            if len(mine) > share:
                extra = self._ranked(mine)[share:]
                await sync_leases.release(session, owner=self.process_id, keys=extra)
                mine -= set(extra)
            await session.commit()
            if len(mine) < share:
                taken = await sync_leases.held_by_others(
                    session, owner=self.process_id, now=now
                )
                for key in self._ranked(wanted - mine - taken):
                    if len(mine) >= share:
                        break
                    # One key per transaction: claims racing another process's
                    # never hold two row locks at once, so they cannot deadlock.
                    won = await sync_leases.claim(
                        session, owner=self.process_id, key=key, now=now, until=until
                    )
                    await session.commit()
                    if won:
                        mine.add(key)
        if mine != self.owned:
            log.info(
                "sync work: %d of %d keys here (%d process(es) live)",
                len(mine),
                len(wanted),
                live,
            )
        self.owned = mine
        return mine

    async def leave(self) -> None:
        """Give everything back now (clean shutdown)."""
        async with self._sessions() as session:
            await sync_leases.leave(session, owner=self.process_id)
            await session.commit()
        self.owned = set()

    def _ranked(self, keys: Collection[str]) -> list[str]:
        """Keys in this process's own order of preference (rendezvous hashing),
        so processes claiming at the same moment mostly want different keys."""
        return sorted(keys, key=lambda key: self._weight(key), reverse=True)

    def _weight(self, key: str) -> bytes:
        return hashlib.blake2b(
            f"{self.process_id}|{key}".encode(), digest_size=8
        ).digest()
