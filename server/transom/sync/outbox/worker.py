"""The durable outbox: every Graph write is a row, committed with the domain change.

The API (``sync.booking_writes``) adds a PENDING booking and its ``OutboxItem``
in one transaction; the :class:`OutboxWorker` runs the write later, with
retries, and records what Exchange answered. A write is never lost (it is a row
before it is a request) and never doubled (creates carry the row's
``transaction_id``, Graph dedupes on it, and created ids are checkpointed).

State machine of a row::

                 claim (attempts += 1, lease)
      PENDING ─────────────────────────────────> RUNNING
        ^  ^                                        │
        │  │ transient / 429 (backoff, Retry-After) │
        │  └────────────────────────────────────────┤
        │    poll again (follow-up reads)           │
        │                                           ├── done ──────────────> DONE
        │ release_held (credentials work again)     ├── auth refused ──────> HELD
        └───────────────────────────────────── HELD │   (tenant marked; its
                                                    │    other PENDING rows too)
        retryOutboxItem ─── FAILED <────────────────┴── permanent error, or
        dropOutboxItem ──> DROPPED                      too many attempts

- RUNNING rows are leased (``next_attempt_at`` = claim time + 30 s), and the
  worker renews the lease while the write runs (``sync.outbox_leases``); a
  worker killed mid-write leaves the row RUNNING and any worker reclaims it
  within 30 s. Handlers time out after ``ITEM_TIMEOUT_SECONDS``.
- Claims are atomic conditional UPDATEs (``db.outbox.claim_due``), so several
  worker processes on PostgreSQL never run one row twice.
- Writes of one booking run in order (a cancel waits for the create).
- After every result a display shows (a booking confirmed or declined, an
  extension answered, a write FAILED or HELD) the worker commits, then
  publishes the room's channel, so displays update live.
- When Exchange declines (a booking, or a longer end) the room is taken by an
  event Transom may not have synced yet (a notification lost or still on its
  way): the worker asks for a resync of the room (``SYNC_CHANNEL`` wake), so
  the door display learns who holds the room, and until when, within seconds.
- Beside its loop the worker runs the no-show releaser
  (``sync.outbox_release``), which enqueues ``booking.release`` rows.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import anyio

from transom.db import models
from transom.db import outbox as outbox_repo
from transom.db.engine import Sessions
from transom.domain.bookings import BookingState
from transom.domain.clock import Clock
from transom.graph import (
    GraphAuthError,
    GraphError,
    GraphThrottledError,
    GraphTransientError,
)
from transom.pubsub import SYNC_CHANNEL, Bus, room_channel, tenant_channel
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.credentials import MissingCredentialsError
from transom.sync.graph_clients import TenantClients
from transom.sync.outbox import settle
from transom.sync.outbox.handlers import HANDLERS
from transom.sync.outbox.held import hold_or_run_again, writes_are_held
from transom.sync.outbox.jobs import BookingUpdate, BookingView, Outcome, WriteJob
from transom.sync.outbox.leases import HEARTBEAT, LEASE, Leases
from transom.sync.outbox.policy import backoff, gives_up, throttled
from transom.sync.outbox.release import RELEASE_SECONDS, NoShowReleaser
from transom.sync.outbox.wakeup import Wakeup
from transom.telemetry.logs import bind_work_id

log = logging.getLogger(__name__)

ITEM_TIMEOUT_SECONDS = 120.0
UNEXPECTED_HINT = (
    "Transom hit an unexpected error writing to Microsoft 365 (the server log "
    "has the details). Retry once it is fixed, or drop the write."
)


def _declined(outcome: Outcome) -> bool:
    """Exchange said no: the room is held by someone else then."""
    update = outcome.booking
    declined = BookingState.DECLINED.value
    return update is not None and declined in (update.state, update.extension_state)


class OutboxWorker:
    """Runs due outbox rows forever (and the no-show releaser beside them);
    owned by the sync supervisor's task group.

    Example::

        worker = OutboxWorker(sessions=sessions, settings=settings, bus=bus,
                              clock=clock)
        task_group.start_soon(worker.run)
        ...
        worker.wake()          # after enqueueing, to skip the idle wait
    """

    def __init__(
        self,
        *,
        sessions: Sessions,
        settings: Settings,
        bus: Bus,
        clock: Clock,
        idle_seconds: float = 5.0,
        batch_size: int = 8,
        lease: timedelta = LEASE,
        heartbeat: timedelta = HEARTBEAT,
        item_timeout: float = ITEM_TIMEOUT_SECONDS,
        rng: Callable[[], float] = random.random,
        release_seconds: float = RELEASE_SECONDS,
        clients: TenantClients | None = None,
        release_active: Callable[[], bool] = lambda: True,
    ) -> None:
        self._sessions = sessions
        self._bus = bus
        self._clock = clock
        self._audit_days = settings.audit_retention_days
        self._batch_size = batch_size
        self._leases = Leases(
            sessions=sessions, clock=clock, lease=lease, heartbeat=heartbeat
        )
        self._item_timeout = item_timeout
        self._random = rng
        # The process's client cache (the supervisor's ``env.clients``); a
        # worker built without one (tests) keeps its own and closes it.
        self._own_clients = clients is None
        self._clients = clients or TenantClients(
            settings, SecretBox(str(settings.secret_key))
        )
        self._wakeup = Wakeup(
            sessions=sessions, bus=bus, clock=clock, idle_seconds=idle_seconds
        )
        self.releaser = NoShowReleaser(
            sessions=sessions,
            bus=bus,
            clock=clock,
            wake_outbox=self.wake,
            interval=release_seconds,
            active=release_active,
        )

    def wake(self) -> None:
        """Look for due rows now instead of after the idle wait."""
        self._wakeup.set()

    async def run(self) -> None:
        """Claim and run due rows until cancelled; closes its Graph clients."""
        async with AsyncExitStack() as stack:
            if self._own_clients:
                stack.push_async_callback(self._clients.aclose)
            task_group = await stack.enter_async_context(anyio.create_task_group())
            task_group.start_soon(self._wakeup.listen)
            task_group.start_soon(self._leases.run)
            task_group.start_soon(self.releaser.run)
            while True:
                if await self.run_due() == 0:
                    await self._wakeup.idle()

    async def run_due(self) -> int:
        """Claim one batch of due rows and run them concurrently; how many ran."""
        async with self._sessions() as session:
            items = await outbox_repo.claim_due(
                session,
                now=self._clock(),
                lease=self._leases.lease,
                limit=self._batch_size,
            )
        with self._leases.holding(items):
            async with anyio.create_task_group() as task_group:
                for item in items:
                    task_group.start_soon(self._run_one, item.id)
        return len(items)

    async def _run_one(self, item_id: str) -> None:
        bind_work_id("outbox", item_id)  # this task's log lines
        loaded = await self._load(item_id)
        if loaded is None:
            return
        item, tenant, booking = loaded
        if writes_are_held(tenant):
            await self._hold(item_id, tenant, None)
            return
        try:
            job = await self._job(item, tenant, booking)
            with anyio.fail_after(self._item_timeout):
                outcome = await HANDLERS[item.kind](job)
        except Exception as exc:  # noqa: BLE001 - boundary: _failed records every error
            await self._failed(item, tenant, exc)
            return
        async with self._sessions() as session:
            room_id = await settle.finish(
                session,
                item_id=item_id,
                outcome=outcome,
                now=self._clock(),
                audit_retention_days=self._audit_days,
            )
            await session.commit()
        await self._announce(room_id)
        if room_id is not None and _declined(outcome):
            await self._bus.publish(
                SYNC_CHANNEL, {"type": "wake", "scope": "room", "id": room_id}
            )

    async def _job(
        self,
        item: models.OutboxItem,
        tenant: models.Tenant,
        booking: BookingView | None,
    ) -> WriteJob:
        async def checkpoint(
            result: dict[str, Any], update: BookingUpdate | None
        ) -> None:
            await self._checkpoint(item.id, result, update)

        return WriteJob(
            item_id=item.id,
            kind=item.kind,
            payload=dict(item.payload or {}),
            transaction_id=item.transaction_id,
            attempts=item.attempts,
            booking=booking,
            graph=await self._clients.client(tenant),
            checkpoint=checkpoint,
            result=dict(item.result or {}),
        )

    async def _failed(
        self, item: models.OutboxItem, tenant: models.Tenant, exc: Exception
    ) -> None:
        """HELD for auth, retry for throttling and transient errors, else FAILED."""
        if isinstance(exc, GraphAuthError):
            await self._hold(item.id, tenant, exc)
        elif isinstance(exc, GraphThrottledError):
            delay = throttled(exc.retry_after_seconds, self._random)
            await self._retry(item, delay, exc)
        elif isinstance(exc, GraphTransientError | TimeoutError):
            await self._retry(item, backoff(item.attempts, self._random), exc)
        elif isinstance(exc, GraphError | MissingCredentialsError):
            await self._fail(item, settle.Failure.of(exc))
        else:
            log.error("outbox item %s (%s) failed", item.id, item.kind, exc_info=exc)
            delay = backoff(item.attempts, self._random)
            await self._retry(item, delay, exc, unexpected=True)

    async def _load(
        self, item_id: str
    ) -> tuple[models.OutboxItem, models.Tenant, BookingView | None] | None:
        async with self._sessions() as session:
            item = await outbox_repo.get_item(session, item_id=item_id, tenant_id=None)
            if item is None:
                return None
            tenant = await session.get(models.Tenant, item.tenant_id)
            booking = (
                await session.get(models.Booking, item.booking_id)
                if item.booking_id
                else None
            )
            room = await session.get(models.Room, booking.room_id) if booking else None
        if tenant is None:
            return None
        view = BookingView.of(booking, room) if booking and room else None
        return item, tenant, view

    async def _checkpoint(
        self, item_id: str, result: dict[str, Any], update: BookingUpdate | None
    ) -> None:
        async with self._sessions() as session:
            await settle.checkpoint(
                session,
                item_id=item_id,
                result=result,
                update=update,
                now=self._clock(),
            )
            await session.commit()

    async def _retry(
        self,
        item: models.OutboxItem,
        delay: timedelta,
        exc: BaseException,
        *,
        unexpected: bool = False,
    ) -> None:
        failure = settle.Failure.of(exc)
        if gives_up(item.attempts, unexpected=unexpected):
            failure = settle.Failure(
                f"gave up after {item.attempts} attempts: {failure.message}",
                failure.code,
                failure.hint or (UNEXPECTED_HINT if unexpected else None),
            )
            await self._fail(item, failure)
            return
        async with self._sessions() as session:
            await settle.reschedule(
                session,
                item_id=item.id,
                delay=delay,
                failure=failure,
                now=self._clock(),
            )
            await session.commit()

    async def _fail(self, item: models.OutboxItem, failure: settle.Failure) -> None:
        log.warning("outbox item %s failed: %s", item.id, failure.message)
        async with self._sessions() as session:
            room_id = await settle.fail(
                session, item_id=item.id, failure=failure, now=self._clock()
            )
            await session.commit()
        await self._announce(room_id)
        await self._announce_tenant(item.tenant_id)

    async def _hold(
        self, item_id: str, tenant: models.Tenant, exc: GraphAuthError | None
    ) -> None:
        now = self._clock()
        async with self._sessions() as session:
            failure = await hold_or_run_again(
                session, attempted=tenant, error=exc, item_ids=[item_id], now=now
            )
            if failure is None:
                await session.commit()
                self._wakeup.set()
                return
            room_id = await settle.hold(
                session, item_id=item_id, failure=failure, now=now
            )
            await session.commit()
        await self._announce(room_id)
        await self._announce_tenant(tenant.id)

    async def _announce_tenant(self, tenant_id: str) -> None:
        """Open sync logs and tenant pages (tenantSync) show the failed or held write."""
        await self._bus.publish(
            tenant_channel(tenant_id), {"type": "tenant", "tenantId": tenant_id}
        )

    async def _announce(self, room_id: str | None) -> None:
        if room_id is not None:
            await self._bus.publish(
                room_channel(room_id), {"type": "booking", "roomId": room_id}
            )
