"""One mailbox calendar's loop, shared by rooms and people: delta rounds,
change notifications, status and backoff.

State machine (``MailboxSyncState.status``; ``transom.domain.connection.MailboxStatus``)::

    IDLE --start--> SYNCING --last page (deltaLink)--> IN_SYNC
    IN_SYNC --notification / poll interval / renew due / new day--> SYNCING
             (with notifications: a reconciliation round TRANSOM_RECONCILE_INTERVAL
             after the last round; changes it finds that no notification announced
             within a grace period make the mailbox DEGRADED and verify the
             subscription, see ``transom.domain.sync_health``)
    SYNCING --410 SyncStateNotFound--> (forget link: full round) SYNCING
    SYNCING --429/503 after the SDK's retries--> THROTTLED --Retry-After--> SYNCING
    SYNCING --403 access policy / 404 mailbox--> ACCESS_DENIED --15 min or wake--> SYNCING
    any --token refused--> STOPPED (tenant marked; the loop ends; the supervisor
                           starts it again once the admin saved new credentials)
    any --other Graph error--> ERROR --backoff--> SYNCING

A round reads ``calendarView/delta`` over the sliding window (today minus
``sync_window_past_days`` to plus ``sync_window_future_days``, UTC days). Each page
is applied and its nextLink (or, on the last page, deltaLink) saved in the *same*
transaction, so a killed process resumes at the first page it did not commit and
re-applying a page is harmless. A round without a link is a full resync: at its
last page, what the round did not see is dropped (``finish_full_round``).
A new window (the day changed) or an explicit wake with ``full`` starts a full round.

Waking is de-herded: any number of ``wake()`` calls during a round cause exactly
one more round. Sessions are held only while a page is written, never across a
Graph call. Subclasses (``sync.mailbox.MailboxLoop`` for a room,
``sync.person_calendars.PersonCalendarLoop`` for a person) say what a page
means, where the state row is, and whom to tell after a commit.
"""

from __future__ import annotations

import logging
import random
from abc import ABC, abstractmethod
from dataclasses import KW_ONLY, dataclass, field
from datetime import UTC, datetime, time, timedelta
from time import monotonic
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.calendar import CalendarChangePage
from transom.domain.connection import MailboxStatus, SyncMode
from transom.domain.sync_health import DoubtKind, LogCause
from transom.graph import (
    DeltaExpiredError,
    GraphAuthError,
    GraphError,
    GraphNotFoundError,
    GraphTenantClient,
    GraphThrottledError,
    MailboxAccessDeniedError,
)
from transom.settings import Settings
from transom.sync.calendars.round_limiter import RoundLimiter
from transom.sync.calendars.state import record_status, start_full_round
from transom.sync.calendars.subscriptions import (
    SubscriptionPlan,
    clear_doubt,
    doubt,
    ensure_subscription,
)
from transom.sync.calendars.sync_log import notification_warning, resolve_log
from transom.sync.connection import record_auth_failure
from transom.sync.credentials import MissingCredentialsError
from transom.sync.env import SyncEnv, wall_clock

log = logging.getLogger(__name__)

ACCESS_RETRY = timedelta(minutes=15)
ERROR_RETRY_MAX = 300.0
ROUND_TIMEOUT = 600.0
PAGE_SIZE = 100
NOTIFICATION_GRACE = 10.0  # seconds (at most half the reconciliation interval)


@dataclass
class RoundFacts:
    """What the step's delta round is for, and what it found."""

    trigger: str  # "notified" | "woken" | "timer"
    doubted_before: bool = False  # a doubt older than this step
    written: int = 0
    health_changed: bool = False  # a doubt arose or cleared: tell displays


class LoopStoppedError(Exception):
    """The tenant's credentials are refused (or gone): stop until they change."""


def sync_window(now: datetime, settings: Settings) -> tuple[datetime, datetime]:
    today = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    return (
        today - timedelta(days=settings.sync_window_past_days),
        today + timedelta(days=settings.sync_window_future_days),
    )


@dataclass
class CalendarLoop(ABC):
    """Keeps one mailbox's calendar current. ``run()`` loops until cancelled or
    the tenant is blocked; ``step()`` is one round (tests, the demo)."""

    env: SyncEnv
    _: KW_ONLY
    page_size: int = PAGE_SIZE
    max_pages: int | None = None  # tests: stop a round after this many pages
    plan: SubscriptionPlan = field(default_factory=SubscriptionPlan)
    pages_applied: int = 0
    # Shared by many loops (people): how many rounds run at once, notified
    # changes of synced mailboxes first.
    limiter: RoundLimiter | None = None
    synced: bool = False  # a round has completed (here or before a restart)
    _full: bool = False
    _notified: bool = False
    _woken: bool = False
    _lost: tuple[DoubtKind, str] | None = None
    _last_notified: float = -1e9  # monotonic() of the last change notification
    # time.time() when the earliest notification not yet served by a round
    # reached the webhook, and the one the current round serves: its first
    # published change carries it (notification → push latency).
    _arrived: float | None = None
    _round_arrived: float | None = None
    _suspect: float | None = None  # a reconciliation round found changes then
    _reconcile_at: datetime | None = None
    _facts: RoundFacts = field(default_factory=lambda: RoundFacts("woken"))
    _last_failed: bool = False
    _retrying: bool = False
    _pending: bool = False
    _errors: int = 0
    _wake: anyio.Event = field(default_factory=anyio.Event)

    # -- what a subclass says ------------------------------------------------

    @property
    @abstractmethod
    def tenant_id(self) -> str: ...

    @property
    @abstractmethod
    def mailbox(self) -> str: ...

    @property
    @abstractmethod
    def key(self) -> str:
        """The supervisor's and the webhook index's name for this loop."""

    @abstractmethod
    async def _load(self) -> tuple[models.Tenant, models.MailboxSyncState]:
        """Tenant and state row; MissingCredentialsError if the tenant is blocked."""

    @abstractmethod
    async def _state(self, session: AsyncSession) -> models.MailboxSyncState | None:
        """The state row (None when the owner is gone)."""

    async def _prepare(
        self, graph: GraphTenantClient, page: CalendarChangePage, state: Any
    ) -> Any:
        """Graph reads a page needs before it is written (outside any session)."""
        return None

    @abstractmethod
    async def _apply(
        self,
        session: AsyncSession,
        page: CalendarChangePage,
        extra: Any,
        stamp: datetime,
    ) -> int:
        """Write one page's changes; how many rows changed."""

    @abstractmethod
    async def _finish_full_round(
        self,
        session: AsyncSession,
        window: tuple[datetime, datetime],
        round_started_at: datetime,
        stamp: datetime,
    ) -> int:
        """After a full resync: drop what the round did not see; how many."""

    async def _status_changed(
        self,
        session: AsyncSession,
        status: MailboxStatus,
        *,
        message: str | None = None,
        hint: str | None = None,
        exc: Exception | None = None,
    ) -> None:
        """Mirror a new status elsewhere (the person's calendar status)."""
        return

    @abstractmethod
    async def _changed(self) -> None:
        """Publish after a commit that changed something."""

    # -- the loop --------------------------------------------------------------

    def lost(self, kind: DoubtKind, message: str, *, gone: bool = False) -> None:
        """Graph said notifications were lost (``missed``) or the subscription
        is gone (``subscriptionRemoved``): doubt them, catch up, and recreate."""
        if gone:
            self.plan.gone = message
            self.wake(subscription="recreate")
        else:
            self._lost = (kind, message)
            self.wake(full=True)  # graph-contract.md §4.4: a full resync

    def wake(
        self,
        *,
        full: bool = False,
        subscription: str | None = None,
        notified: bool = False,
        arrived: float | None = None,
    ) -> None:
        """Run a round soon; ``notified``: Graph announced a change, which
        reached the webhook at ``arrived`` (``time.time()``) when known."""
        self._full = self._full or full
        self._notified = self._notified or notified
        if notified:
            self._last_notified = monotonic()
        if arrived is not None:
            self._arrived = min(arrived, self._arrived or arrived)
        self._woken = True
        if self.limiter is not None and self.urgent:
            self.limiter.promote(self.key)  # if it waits behind first syncs
        if subscription is not None:
            self.plan.request(subscription)
        self._pending = True
        self._wake.set()

    async def run(self) -> None:
        """Loop until cancelled; returns when the tenant's credentials are refused."""
        while True:
            self._pending = False
            self._wake = anyio.Event()
            try:
                delay = await self.guarded_step()
            except LoopStoppedError:
                return
            if self._pending:
                continue
            with anyio.move_on_after(delay):
                await self._wake.wait()

    async def guarded_step(self) -> float:
        """One step with Graph errors turned into status; seconds to the next."""
        self._retrying, self._last_failed = self._last_failed, True
        try:
            with anyio.fail_after(ROUND_TIMEOUT):
                if self.limiter is None:
                    delay = await self.step()
                else:
                    async with self.limiter.slot(self.key, urgent=self.urgent):
                        delay = await self.step()
        except DeltaExpiredError:
            self._full = True
            self.plan.request("verify")  # Graph lost state: the subscription too?
            return 0.0
        except GraphThrottledError as exc:
            await self._record(MailboxStatus.THROTTLED, exc)
            return max(exc.retry_after_seconds, 1.0)
        except (MailboxAccessDeniedError, GraphNotFoundError) as exc:
            await self._record(MailboxStatus.ACCESS_DENIED, exc)
            return ACCESS_RETRY.total_seconds()
        except (GraphAuthError, MissingCredentialsError) as exc:
            if isinstance(exc, GraphAuthError):
                await record_auth_failure(
                    self.env, self.tenant_id, exc, mailbox=self.mailbox
                )
            await self._record(MailboxStatus.STOPPED, exc)
            raise LoopStoppedError from exc
        except (GraphError, TimeoutError) as exc:
            self._errors += 1
            await self._record(MailboxStatus.ERROR, exc)
            return min(2.0**self._errors, ERROR_RETRY_MAX)
        self._errors = 0
        self._last_failed = False
        self.synced = True
        return delay

    @property
    def urgent(self) -> bool:
        """A notified change of a synced mailbox: served before first syncs."""
        return self._notified and self.synced and not self._full

    async def step(self) -> float:
        """Subscription upkeep and one delta round; seconds until the next step."""
        trigger = self._trigger()
        now = self.env.clock()
        window = sync_window(now, self.env.settings)
        tenant, state = await self._load()
        graph = await self.env.clients.client(tenant)
        if self._full or (state.window_start, state.window_end) != window:
            self._full = False
            start_full_round(state, window=window, started_at=wall_clock())
        doubted = state.doubted_since
        self._judge_suspect(now)
        if self._lost is not None:
            kind, message = self._lost
            self._lost = None
            if doubt(state, kind, message, now):
                self.plan.logs.append(notification_warning(state, message))
        await ensure_subscription(self.env, graph, state, self.plan, now)
        self._facts = RoundFacts(
            trigger,
            doubted_before=doubted is not None and doubted == state.doubted_since,
        )
        self._facts.health_changed = doubted != state.doubted_since
        await self._save(state)
        await self._delta_round(graph, state)
        if self._facts.health_changed:
            await self._changed()
        self._reconcile_at = self._next_reconciliation(now)
        return self._delay(state, now, window)

    def _trigger(self) -> str:
        """Why this step runs: "notified", "woken" (asked) or "timer" (a
        reconciliation round once the mailbox has synced)."""
        if self._notified:
            trigger = "notified"
        elif self._woken or self._retrying or self._reconcile_at is None:
            trigger = "woken"  # asked for, a retry, or the loop's first round
        else:
            trigger = "timer"
        self._notified = self._woken = False
        self._round_arrived, self._arrived = self._arrived, None
        return trigger

    def take_arrival(self) -> float | None:
        """For the change this round publishes first: when the notification
        that asked for the round reached the webhook (then None)."""
        arrived, self._round_arrived = self._round_arrived, None
        return arrived

    def _next_reconciliation(self, now: datetime) -> datetime:
        """Every round resets the timer; the first one is spread over the
        interval so loops started together do not reconcile together."""
        interval = timedelta(seconds=self.env.settings.reconcile_interval_seconds)
        share = 1.0 if self._reconcile_at is not None else 0.5 + random.random() / 2
        return now + interval * share

    async def _save(self, state: models.MailboxSyncState) -> None:
        async with self.env.sessions() as session:
            await session.merge(state)
            session.add_all(self.plan.logs)
            self.plan.logs = []
            if self.plan.resolved:
                await resolve_log(
                    session,
                    state=state,
                    causes=self.plan.resolved,
                    now=self.env.clock(),
                )
                self.plan.resolved = set()
            await session.commit()

    async def _delta_round(
        self, graph: GraphTenantClient, state: models.MailboxSyncState
    ) -> None:
        assert state.window_start is not None
        assert state.window_end is not None
        pages = 0
        async for page in graph.iter_calendar_changes(
            self.mailbox,
            state.window_start,
            state.window_end,
            state.delta_link,
            self.page_size,
        ):
            extra = await self._prepare(graph, page, state)
            if await self._apply_page(state, page, extra):
                await self._changed()
            pages += 1
            self.pages_applied += 1
            if self.max_pages is not None and pages >= self.max_pages:
                return

    async def _apply_page(
        self, state: models.MailboxSyncState, page: CalendarChangePage, extra: Any
    ) -> bool:
        stamp = wall_clock()
        async with self.env.sessions() as session:
            row = await session.get(models.MailboxSyncState, state.id)
            assert row is not None
            written = await self._apply(session, page, extra, stamp)
            self._facts.written += written
            row.delta_link = page.delta_link or page.next_link
            if page.delta_link is None:
                record_status(row, MailboxStatus.SYNCING)
            else:
                written += await self._finish_round(session, row, stamp)
            await session.commit()
        state.delta_link = row.delta_link
        state.round_full = row.round_full
        return written > 0

    async def _finish_round(
        self, session: AsyncSession, row: models.MailboxSyncState, stamp: datetime
    ) -> int:
        dropped = 0
        if row.round_full and row.round_started_at is not None:
            assert row.window_start is not None
            assert row.window_end is not None
            dropped = await self._finish_full_round(
                session, (row.window_start, row.window_end), row.round_started_at, stamp
            )
        else:
            await self._judge_notifications(session, row)
        row.round_full = False
        row.last_synced_at = self.env.clock()
        record_status(row, MailboxStatus.IN_SYNC)
        await self._status_changed(session, MailboxStatus.IN_SYNC)
        return dropped

    async def _judge_notifications(
        self, session: AsyncSession, row: models.MailboxSyncState
    ) -> None:
        """After a delta round (not a full one): do notifications arrive?"""
        facts, now = self._facts, self.env.clock()
        if row.mode != SyncMode.NOTIFICATIONS.value or not row.subscription_id:
            return
        if facts.trigger == "notified" and facts.written > 0:
            cleared = clear_doubt(row)
        elif facts.trigger == "timer" and facts.written > 0:
            # Unannounced, unless their notification is just on its way:
            # judged after a grace period (_judge_suspect).
            self._suspect = self._suspect or monotonic()
            return
        elif (
            facts.trigger == "timer"
            and facts.doubted_before
            and row.doubt_kind == DoubtKind.RECREATED.value
        ):
            cleared = clear_doubt(row)  # a whole interval and nothing missed
        else:
            return
        if cleared:
            facts.health_changed = True
            await resolve_log(
                session, state=row, causes={LogCause.NOTIFICATIONS}, now=now
            )

    def _grace(self) -> float:
        """How long a notification may trail its change before it counts as lost."""
        return min(NOTIFICATION_GRACE, self.env.settings.reconcile_interval_seconds / 2)

    def _judge_suspect(self, now: datetime) -> None:
        """A reconciliation round found changes: if no notification came within
        the grace period around it, notifications are being lost."""
        if self._suspect is None:
            return
        if monotonic() < self._suspect + self._grace():
            return
        suspect, self._suspect = self._suspect, None
        if self._last_notified >= suspect - self._grace():
            return  # their notification arrived: a race, not a loss
        message = (
            f"Changes reached Transom at {now:%H:%M} UTC without a notification "
            "(found by the reconciliation round); changes may arrive up to "
            "TRANSOM_RECONCILE_INTERVAL late until notifications are seen again."
        )
        self._lost = (DoubtKind.LOST, message)
        self.plan.request("verify")  # is the subscription still there?

    def _delay(
        self,
        state: models.MailboxSyncState,
        now: datetime,
        window: tuple[datetime, datetime],
    ) -> float:
        poll = self.env.settings.poll_interval_seconds
        if state.mode == SyncMode.POLLING.value or not state.subscription_id:
            return poll
        next_day = window[0] + timedelta(
            days=self.env.settings.sync_window_past_days + 1
        )
        # Notifications can be lost silently: a reconciliation delta round
        # TRANSOM_RECONCILE_INTERVAL after the last round (1 h by default).
        assert self._reconcile_at is not None
        due = min(self._reconcile_at, next_day)
        if self.plan.renew_at is not None:
            due = min(due, self.plan.renew_at)
        if self._suspect is not None:
            left = self._suspect + self._grace() - monotonic()
            due = min(due, now + timedelta(seconds=max(left, 0.0)))
        return max((due - now).total_seconds(), 0.5)

    async def _record(self, status: MailboxStatus, exc: Exception) -> None:
        message = getattr(exc, "message", None) or str(exc)
        await self.note(
            status,
            message,
            code=getattr(exc, "code", None),
            hint=getattr(exc, "hint", None),
            exc=exc,
        )
        log.info("mailbox %s: %s: %s", self.mailbox, status.value, message)

    async def note(
        self,
        status: MailboxStatus,
        message: str | None,
        *,
        code: str | None = None,
        hint: str | None = None,
        exc: Exception | None = None,
    ) -> None:
        """Record a status on the state row (the supervisor uses this too)."""
        async with self.env.sessions() as session:
            state = await self._state(session)
            if state is None:
                return
            record_status(state, status, error=message, code=code, hint=hint)
            await self._status_changed(
                session, status, message=message, hint=hint, exc=exc
            )
            await session.commit()
        await self._changed()
