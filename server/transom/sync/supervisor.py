"""Scheduling: which calendar loops run, restarting failed ones, connection checks.

The supervisor runs inside the app's lifespan task group (``run``) and owns one
task per linked room (``MailboxLoop.run``) and one per connected person
(``PersonCalendarLoop.run``), plus the outbox worker, the absence writer and the
daily directory refresh (``DirectoryRefresher``). Every ``RECONCILE_SECONDS``
(or when ``refresh()`` is called) it compares the running loops with what
should sync: VERIFIED rooms with a mailbox, and people whose availability
follows their calendar and whose calendar is connected (status SYNCING,
SYNCED or ERROR), in tenants with credentials and a non-blocking connection
status. Loops are keyed by room id, or ``person:<id>`` for people; at most
``PERSON_ROUNDS`` person rounds run at once, so connecting a thousand
calendars does not send a thousand delta rounds to Graph at the same moment.
A change notification of an already-synced person is served first and may
use ``URGENT_ROUNDS`` more slots (``transom.sync.calendars.round_limiter``), so it never
waits behind those first syncs.

Loop task life cycle::

    (wanted) --start--> RUNNING --Exception--> (logged, recorded) backoff --> RUNNING
    RUNNING --credentials refused--> ended (tenant blocked; not restarted until
                                     new credentials make it wanted again)
    RUNNING --not wanted any more (unlinked, tenant blocked)--> cancelled

The outbox worker (``transom.sync.outbox.OutboxWorker``), the absence writer
and the directory refresher run beside the loops and are restarted the same
way if they ever fail.

Invariants: ``except Exception`` only here, at the loop boundary, where the
error is logged and recorded on the mailbox; no fire-and-forget tasks (every
task belongs to the supervisor's task group); webhook calls (``notify``) only
wake loops and never do I/O.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import anyio
from anyio.abc import TaskGroup
from sqlalchemy import select

from transom.db import models
from transom.domain.connection import LinkState, MailboxStatus, is_blocking
from transom.domain.directory import CalendarStatus
from transom.domain.sync_health import DoubtKind
from transom.pubsub import SYNC_CHANNEL
from transom.sync.calendars import state as state_repo
from transom.sync.calendars.loop import CalendarLoop
from transom.sync.calendars.people import FOLLOWED, PersonCalendarLoop, PersonRef
from transom.sync.calendars.room_changes import RoomRef
from transom.sync.calendars.rooms import MailboxLoop
from transom.sync.calendars.round_limiter import RoundLimiter
from transom.sync.calendars.state import person_key
from transom.sync.connection import test_connection
from transom.sync.env import SyncEnv
from transom.sync.outbox.absences import AbsenceWriter
from transom.sync.outbox.worker import OutboxWorker
from transom.sync.ownership import BEAT, SINGLETONS, Ownership
from transom.sync.people_sync import DirectoryRefresher

log = logging.getLogger(__name__)

NO_SHOW_RELEASE, DIRECTORY_REFRESH, CONNECTION_CHECKS = SINGLETONS

RECONCILE_SECONDS = 30.0
CONNECTION_CHECK = timedelta(hours=6)
MAX_BACKOFF = 300.0
PERSON_ROUNDS = 8
REMOVED = "Microsoft 365 removed this mailbox's change subscription"
MISSED = "Microsoft 365 reported missed notifications"
URGENT_ROUNDS = 2  # extra slots only notified changes of synced people may use

Wanted = RoomRef | PersonRef


class SyncSupervisor:
    """Starts, restarts and stops room and person calendar loops.

    Example::

        supervisor = SyncSupervisor(env)
        async with anyio.create_task_group() as tg:
            await tg.start(supervisor.run)
    """

    def __init__(
        self,
        env: SyncEnv,
        *,
        reconcile_seconds: float = RECONCILE_SECONDS,
        connection_check: timedelta = CONNECTION_CHECK,
        run_outbox: bool = True,
        run_directory: bool = True,
    ) -> None:
        self.env = env
        self.loops: dict[str, CalendarLoop] = {}
        self._scopes: dict[str, anyio.CancelScope] = {}
        self._ended: dict[str, anyio.Event] = {}
        self._reconcile_seconds = reconcile_seconds
        self._connection_check = connection_check
        self._wake = anyio.Event()
        self._tg: TaskGroup | None = None
        self.outbox: OutboxWorker | None = None
        self.absences: AbsenceWriter | None = None
        self.person_rounds = RoundLimiter(PERSON_ROUNDS, URGENT_ROUNDS)
        # Which loops and singletons this process runs (leases shared by all
        # processes on the database); the keys wanted at the last reconcile.
        self.ownership = Ownership(env.sessions, env.clock)
        self._wanted_keys: set[str] = set(SINGLETONS)
        self.directory: DirectoryRefresher | None = None
        if run_directory:
            self.directory = DirectoryRefresher(
                env.sessions,
                env.clients.client,
                env.clock,
                active=lambda: self.ownership.owns(DIRECTORY_REFRESH),
            )
        if run_outbox:
            self.absences = AbsenceWriter(
                sessions=env.sessions,
                bus=env.bus,
                clock=env.clock,
                client_for=env.clients.client,
            )
            self.outbox = OutboxWorker(
                sessions=env.sessions,
                settings=env.settings,
                bus=env.bus,
                clock=env.clock,
                clients=env.clients,
                release_active=lambda: self.ownership.owns(NO_SHOW_RELEASE),
            )

    async def run(self, *, task_status: Any = anyio.TASK_STATUS_IGNORED) -> None:
        try:
            await self._run(task_status)
        finally:
            # A clean stop (SIGTERM): the others take this process's work now.
            with anyio.CancelScope(shield=True), anyio.move_on_after(5):
                await self.ownership.leave()

    async def _run(self, task_status: Any) -> None:
        async with anyio.create_task_group() as tg:
            self._tg = tg
            await self._load_subscriptions()
            tg.start_soon(self._keep_leases)
            tg.start_soon(self._listen)
            if self.outbox is not None:
                tg.start_soon(self._supervise_outbox, self.outbox)
            if self.absences is not None:
                tg.start_soon(self._keep_running, "absence writer", self.absences.run)
            if self.directory is not None:
                tg.start_soon(
                    self._keep_running, "directory refresh", self.directory.run
                )
            task_status.started()
            while True:
                self._wake = anyio.Event()
                try:
                    await self.reconcile()
                    await self._check_connections()
                except Exception:  # supervisor boundary: log, retry next tick
                    log.exception("sync supervisor: reconcile failed")
                with anyio.move_on_after(self._reconcile_seconds):
                    await self._wake.wait()

    def refresh(self) -> None:
        """Reconcile now (a room was linked, credentials changed...)."""
        self._wake.set()

    def wake_room(self, room_id: str, *, full: bool = False) -> bool:
        loop = self.loops.get(room_id)
        if loop is None:
            self.refresh()
            return False
        loop.wake(full=full)
        return True

    def wake_tenant(self, tenant_id: str, *, full: bool = False) -> int:
        """Wake the tenant's room loops (``syncTenant``)."""
        return self._wake_all(MailboxLoop, tenant_id, full=full)

    def wake_people(self, tenant_id: str, *, full: bool = False) -> int:
        """Reconcile now (people were connected) and wake the tenant's person
        loops (``full``: the availability settings changed)."""
        return self._wake_all(PersonCalendarLoop, tenant_id, full=full)

    def _wake_all(self, kind: type[CalendarLoop], tenant_id: str, *, full: bool) -> int:
        """Wake the tenant's loops of ``kind``, then reconcile; how many woke."""
        woken = [
            x
            for x in self.loops.values()
            if isinstance(x, kind) and x.tenant_id == tenant_id
        ]
        for loop in woken:
            loop.wake(full=full)
        self.refresh()
        return len(woken)

    async def stop_room(self, room_id: str) -> None:
        """Cancel the room's loop and wait until it has ended."""
        await self.stop_loop(room_id)

    async def stop_loop(self, key: str) -> None:
        """Cancel a loop (a room's id, or ``person_key``) and wait until it ended."""
        scope, ended = self._scopes.get(key), self._ended.get(key)
        if scope is not None and ended is not None:
            scope.cancel()
            with anyio.fail_after(30):
                await ended.wait()

    def notify(
        self, notification: Mapping[str, Any], *, arrived: float | None = None
    ) -> bool:
        """A change or lifecycle notification: wake its loop (no I/O).
        ``arrived``: when it reached the webhook (``time.time()``, in whichever
        process), for the notification → push latency.

        False (ignored) for unknown subscriptions or a wrong clientState.
        """
        known = self.env.subscriptions.get(str(notification.get("subscriptionId")))
        if known is None or notification.get("clientState") != known[1]:
            return False
        loop = self.loops.get(known[0])
        if loop is None:
            return False
        event = notification.get("lifecycleEvent")
        if event == "reauthorizationRequired":
            loop.wake(subscription="reauthorize")
        elif event == "subscriptionRemoved":
            loop.lost(DoubtKind.RECREATED, REMOVED, gone=True)
        elif event == "missed":
            loop.lost(DoubtKind.LOST, f"{MISSED} at {self.env.clock():%H:%M} UTC")
        else:  # a change: a delta round catches up, first in line
            loop.wake(notified=True, arrived=arrived)
        return True

    async def reconcile(self) -> None:
        wanted, blocked = await self._wanted()
        self._wanted_keys = set(wanted) | set(SINGLETONS)
        owned = await self.ownership.beat(self._wanted_keys)
        for key in [k for k in self.loops if k not in wanted or k not in owned]:
            if key not in wanted and self.loops[key].tenant_id in blocked:
                await self._mark_stopped(key, blocked)
            scope = self._scopes.get(key)
            if scope is not None:
                scope.cancel()  # not wanted, or another process runs it now
        wanted = {key: ref for key, ref in wanted.items() if key in owned}
        assert self._tg is not None, "call reconcile from run()"
        for key, ref in wanted.items():
            if key not in self.loops:
                loop = self._loop_for(ref)
                self.loops[key] = loop
                self._ended[key] = anyio.Event()
                self._tg.start_soon(self._supervise, loop)

    def _loop_for(self, ref: Wanted) -> CalendarLoop:
        if isinstance(ref, RoomRef):
            return MailboxLoop(self.env, ref)
        return PersonCalendarLoop(
            self.env, ref, limiter=self.person_rounds, synced=ref.synced
        )

    async def _supervise(self, loop: CalendarLoop) -> None:
        room_id = loop.key
        backoff = 1.0
        try:
            with anyio.CancelScope() as scope:
                self._scopes[room_id] = scope
                while True:
                    try:
                        await loop.run()
                        self.refresh()  # credentials refused: stop the others
                        return
                    except Exception as exc:  # loop boundary: record, restart
                        log.exception("calendar loop %s failed", loop.mailbox)
                        await self._record_crash(loop, exc)
                    await anyio.sleep(backoff * (1 + random.random() / 2))
                    backoff = min(backoff * 2, MAX_BACKOFF)
        finally:
            if self.loops.get(room_id) is loop:
                del self.loops[room_id]
                self._scopes.pop(room_id, None)
            self._ended.pop(room_id, anyio.Event()).set()

    async def _supervise_outbox(self, outbox: OutboxWorker) -> None:
        await self._keep_running("outbox worker", outbox.run)

    async def _keep_running(
        self, name: str, run: Callable[[], Awaitable[None]]
    ) -> None:
        backoff = 1.0
        while True:
            try:
                await run()
            except Exception:  # worker boundary: log, restart after backoff
                log.exception("%s failed; restarting", name)
            await anyio.sleep(backoff * (1 + random.random() / 2))
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def refresh_directories(self) -> int:
        """Import every connected tenant's directory now if over a day old."""
        if self.directory is None:
            return 0
        done = await self.directory.refresh_due()
        self.refresh()
        return done

    async def _wanted(self) -> tuple[dict[str, Wanted], dict[str, str]]:
        async with self.env.sessions() as session:
            rows = await session.execute(
                select(models.Room, models.Tenant)
                .join(models.Tenant, models.Tenant.id == models.Room.tenant_id)
                .where(
                    models.Room.link_state == LinkState.VERIFIED.value,
                    models.Room.mailbox_email.is_not(None),
                )
            )
            pairs = rows.tuples().all()
            people = await session.execute(
                select(
                    models.Person.id,
                    models.Person.primary_email,
                    models.Person.calendar_status,
                    models.Tenant,
                )
                .join(models.Tenant, models.Tenant.id == models.Person.tenant_id)
                .where(
                    models.Person.availability_follows_calendar.is_(True),
                    models.Person.calendar_status.in_(FOLLOWED),
                )
            )
            persons = people.tuples().all()
        wanted: dict[str, Wanted] = {}
        blocked: dict[str, str] = {}
        for room, tenant in pairs:
            if is_blocking(tenant.connection_status) or not tenant.client_id:
                blocked[tenant.id] = tenant.connection_message or "not connected"
                continue
            assert room.mailbox_email is not None
            wanted[room.id] = RoomRef(room.id, tenant.id, room.mailbox_email)
        for person_id, email, status, tenant in persons:
            if is_blocking(tenant.connection_status) or not tenant.client_id:
                blocked[tenant.id] = tenant.connection_message or "not connected"
                continue
            synced = status == CalendarStatus.SYNCED.value
            wanted[person_key(person_id)] = PersonRef(
                person_id, tenant.id, email, synced
            )
        return wanted, blocked

    async def _keep_leases(self) -> None:
        """Heartbeat: renew this process's leases every beat; when what it
        holds changes (a process joined, died or left), reconcile now."""
        while True:
            await anyio.sleep(BEAT.total_seconds())
            before = set(self.ownership.owned)
            try:
                owned = await self.ownership.beat(self._wanted_keys)
            except Exception:  # heartbeat boundary: try again next beat
                log.exception("sync supervisor: lease heartbeat failed")
                continue
            if owned != before:
                self.refresh()

    async def _listen(self) -> None:
        """Signals from any process (``SYNC_CHANNEL``): reconcile, wake loops,
        or change notifications that reached a process not running the loop."""
        async with self.env.bus.subscribe(SYNC_CHANNEL) as events:
            while True:
                event = await events.get()
                try:
                    await self.signal(event)
                except Exception:  # listener boundary: log, keep listening
                    log.exception("sync supervisor: bad signal %r", event)

    async def signal(self, event: Mapping[str, Any]) -> None:
        kind, scope = event.get("type"), event.get("scope")
        target, full = str(event.get("id", "")), event.get("full", True) is True
        if kind == "refresh":
            self.refresh()
        elif kind == "notifications":
            items = [i for i in event.get("items") or [] if isinstance(i, dict)]
            if any(str(i.get("subscriptionId")) not in self.env.subscriptions
                   for i in items):  # fmt: skip
                await self._load_subscriptions()
            arrived = event.get("arrived")
            stamp = float(arrived) if isinstance(arrived, int | float) else None
            for item in items:
                self.notify(item, arrived=stamp)
        elif kind == "wake" and scope == "room":
            self.wake_room(target, full=full)
        elif kind == "wake" and scope == "tenant":
            self.wake_tenant(target, full=full)
        elif kind == "wake" and scope == "people":
            self.wake_people(target, full=full)

    async def _check_connections(self) -> None:
        if not self.ownership.owns(CONNECTION_CHECKS):
            return
        now = self.env.clock()
        async with self.env.sessions() as session:
            tenants = (
                await session.scalars(
                    select(models.Tenant).where(models.Tenant.client_id.is_not(None))
                )
            ).all()
        due = [
            t.id
            for t in tenants
            if not is_blocking(t.connection_status)
            and (
                t.connection_checked_at is None
                or now - t.connection_checked_at >= self._connection_check
            )
        ]
        for tenant_id in due:
            report = await test_connection(self.env, tenant_id)
            if is_blocking(report.status):
                self.refresh()

    async def _load_subscriptions(self) -> None:
        async with self.env.sessions() as session:
            for sub_id, key, client_state in await state_repo.subscriptions(session):
                self.env.subscriptions[sub_id] = (key, client_state)

    async def _mark_stopped(self, key: str, blocked: dict[str, str]) -> None:
        loop = self.loops[key]
        reason = blocked.get(loop.tenant_id, "")
        await loop.note(MailboxStatus.STOPPED, f"Sync paused: {reason}")

    async def _record_crash(self, loop: CalendarLoop, exc: Exception) -> None:
        await loop.note(MailboxStatus.ERROR, f"{type(exc).__name__}: {exc}")
