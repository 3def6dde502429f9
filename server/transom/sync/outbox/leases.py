"""Leases on claimed outbox rows, kept alive while their writes run.

A claim (``db.outbox.claim_due``) leases a row for :data:`LEASE`. A worker
keeps the lease of every row it is running alive with a heartbeat every
:data:`HEARTBEAT`, so a write may take as long as it needs; a worker that dies
(kill -9, a lost machine) stops renewing and its rows are claimable by any
other worker within :data:`LEASE`. A worker that shuts down (SIGTERM) gives
its rows back at once instead. A renewal is conditional on the attempt
number of the claim, so a worker whose lease lapsed never extends the row for
the worker that took it over.

Example::

    leases = Leases(sessions=sessions, clock=clock)
    task_group.start_soon(leases.run)           # the heartbeat
    with leases.holding(items):                 # rows claimed just now
        ...run them...
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import anyio

from transom.db import models
from transom.db import outbox as outbox_repo
from transom.db.engine import Sessions

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
HEARTBEAT = timedelta(seconds=10)


class Leases:
    """The rows one worker is running, and the heartbeat that keeps them."""

    def __init__(
        self,
        *,
        sessions: Sessions,
        clock: Callable[[], datetime],
        lease: timedelta = LEASE,
        heartbeat: timedelta = HEARTBEAT,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.lease = lease
        self._heartbeat = heartbeat
        self._held: dict[str, int] = {}

    @contextmanager
    def holding(self, items: Iterable[models.OutboxItem]) -> Iterator[None]:
        claims = {item.id: item.attempts for item in items}
        self._held.update(claims)
        try:
            yield
        except anyio.get_cancelled_exc_class():
            raise  # shutting down: ``run`` gives the rows still held back
        except BaseException:
            self._forget(claims)
            raise
        self._forget(claims)

    def _forget(self, claims: dict[str, int]) -> None:
        for item_id in claims:
            self._held.pop(item_id, None)

    async def run(self) -> None:
        """Renew the held leases every heartbeat until cancelled (the process
        shuts down); then give the rows still held back at once, so another
        process takes them over without waiting for their leases to lapse."""
        try:
            while True:
                await anyio.sleep(self._heartbeat.total_seconds())
                try:
                    await self.renew()
                except Exception:  # the heartbeat's boundary: try next beat
                    log.exception("outbox lease renewal failed")
        finally:
            with anyio.CancelScope(shield=True), anyio.move_on_after(5):
                await self.release()

    async def release(self) -> None:
        claims, self._held = dict(self._held), {}
        if not claims:
            return
        async with self._sessions() as session:
            released = await outbox_repo.release_leases(
                session, claims=claims, now=self._clock()
            )
        log.info("gave back %d outbox write(s) on shutdown", released)

    async def renew(self) -> None:
        if not self._held:
            return
        async with self._sessions() as session:
            lost = await outbox_repo.renew_leases(
                session, claims=dict(self._held), now=self._clock(), lease=self.lease
            )
        for item_id in lost:
            self._held.pop(item_id, None)
