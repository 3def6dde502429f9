"""One room mailbox's loop: keep the room's bookings equal to its Exchange calendar.

State machine (``MailboxSyncState.status``; ``transom.domain.connection.MailboxStatus``)::

    IDLE --start--> SYNCING --last page (deltaLink)--> IN_SYNC
    IN_SYNC --notification / poll interval / renew due / new day--> SYNCING
             (with notifications: a safety round every 240 poll intervals, <= 4 h)
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
last page, rows from Exchange it did not see are cancelled (``apply.cancel_unseen``).
A new window (the day changed) or an explicit ``syncRoom`` starts a full round.

Waking is de-herded: any number of ``wake()`` calls during a round cause exactly
one more round. Sessions are held only while a page is written, never across a
Graph call. Events are published after each commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.calendar import CalendarChangePage
from transom.domain.connection import MailboxStatus, SyncMode, is_blocking
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
from transom.sync.apply import RoomRef, apply_events, cancel_removed, cancel_unseen
from transom.sync.connection import record_auth_failure
from transom.sync.credentials import MissingCredentialsError
from transom.sync.env import SyncEnv, wall_clock
from transom.sync.organizers import Organizers, load_organizers
from transom.sync.state import record_status, start_full_round, state_for_room
from transom.sync.subjects import fetch_real_subjects
from transom.sync.subscriptions import SubscriptionPlan, ensure_subscription

log = logging.getLogger(__name__)

SAFETY_POLL = timedelta(hours=4)
SAFETY_POLLS = 240
ACCESS_RETRY = timedelta(minutes=15)
ERROR_RETRY_MAX = 300.0
ROUND_TIMEOUT = 600.0
PAGE_SIZE = 100


class LoopStoppedError(Exception):
    """The tenant's credentials are refused (or gone): stop until they change."""


def sync_window(now: datetime, settings: Settings) -> tuple[datetime, datetime]:
    today = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    return (
        today - timedelta(days=settings.sync_window_past_days),
        today + timedelta(days=settings.sync_window_future_days),
    )


@dataclass
class MailboxLoop:
    """Syncs one room. ``run()`` loops until cancelled or the tenant is blocked.

    Example (a test or the demo, one round without waiting)::

        loop = MailboxLoop(env, RoomRef(room.id, tenant.id, room.mailbox_email))
        await loop.step()
    """

    env: SyncEnv
    room: RoomRef
    page_size: int = PAGE_SIZE
    max_pages: int | None = None  # tests: stop a round after this many pages
    plan: SubscriptionPlan = field(default_factory=SubscriptionPlan)
    pages_applied: int = 0
    _full: bool = False
    _pending: bool = False
    _errors: int = 0
    _wake: anyio.Event = field(default_factory=anyio.Event)

    def wake(self, *, full: bool = False, subscription: str | None = None) -> None:
        self._full = self._full or full
        if subscription is not None:
            self.plan.action = subscription
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
        try:
            with anyio.fail_after(ROUND_TIMEOUT):
                delay = await self.step()
        except DeltaExpiredError:
            self._full = True
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
                    self.env, self.room.tenant_id, exc, mailbox=self.room.mailbox
                )
            await self._record(MailboxStatus.STOPPED, exc)
            raise LoopStoppedError from exc
        except (GraphError, TimeoutError) as exc:
            self._errors += 1
            await self._record(MailboxStatus.ERROR, exc)
            return min(2.0**self._errors, ERROR_RETRY_MAX)
        self._errors = 0
        return delay

    async def step(self) -> float:
        """Subscription upkeep and one delta round; seconds until the next step."""
        now = self.env.clock()
        window = sync_window(now, self.env.settings)
        tenant, state = await self._load()
        graph = await self.env.clients.client(tenant)
        if self._full or (state.window_start, state.window_end) != window:
            self._full = False
            start_full_round(state, window=window, started_at=wall_clock())
        await ensure_subscription(self.env, graph, state, self.plan, now)
        await self._save(state)
        await self._round(graph, state)
        return self._delay(state, now, window)

    async def _load(self) -> tuple[models.Tenant, models.MailboxSyncState]:
        async with self.env.sessions() as session:
            tenant = await session.get(models.Tenant, self.room.tenant_id)
            room = await session.get(models.Room, self.room.id)
            if tenant is None or room is None or is_blocking(tenant.connection_status):
                raise MissingCredentialsError("the tenant's connection is not usable")
            state = await state_for_room(session, tenant_id=tenant.id, room=room)
            await session.commit()
        return tenant, state

    async def _save(self, state: models.MailboxSyncState) -> None:
        async with self.env.sessions() as session:
            await session.merge(state)
            session.add_all(self.plan.logs)
            self.plan.logs = []
            await session.commit()

    async def _organizers(self) -> Organizers:
        async with self.env.sessions() as session:
            return await load_organizers(session, tenant_id=self.room.tenant_id)

    async def _round(
        self, graph: GraphTenantClient, state: models.MailboxSyncState
    ) -> None:
        organizers = await self._organizers()
        assert state.window_start is not None
        assert state.window_end is not None
        pages = 0
        async for page in graph.iter_calendar_changes(
            self.room.mailbox,
            state.window_start,
            state.window_end,
            state.delta_link,
            self.page_size,
        ):
            subjects = await fetch_real_subjects(
                graph,
                page.updates,
                room_mailbox=self.room.mailbox,
                organizers=organizers,
                cache=self.env.subjects,
                window=(state.window_start, state.window_end),
            )
            changed = await self._apply_page(state, page, organizers, subjects)
            if changed:
                await self.env.room_changed(self.room.tenant_id, self.room.id)
            pages += 1
            self.pages_applied += 1
            if self.max_pages is not None and pages >= self.max_pages:
                return

    async def _apply_page(
        self,
        state: models.MailboxSyncState,
        page: CalendarChangePage,
        organizers: Organizers,
        subjects: dict[str, str],
    ) -> bool:
        stamp = wall_clock()
        async with self.env.sessions() as session:
            row = await session.get(models.MailboxSyncState, state.id)
            assert row is not None
            written = await apply_events(
                session,
                room=self.room,
                events=page.updates,
                organizers=organizers,
                subjects=subjects,
                now=stamp,
            )
            written += await cancel_removed(
                session, room=self.room, removed_ids=page.removed_ids, now=stamp
            )
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
        cancelled = 0
        if row.round_full and row.round_started_at is not None:
            assert row.window_start is not None
            assert row.window_end is not None
            cancelled = await cancel_unseen(
                session,
                room=self.room,
                window=(row.window_start, row.window_end),
                round_started_at=row.round_started_at,
                now=stamp,
            )
        row.round_full = False
        row.last_synced_at = self.env.clock()
        record_status(row, MailboxStatus.IN_SYNC)
        return cancelled

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
        # Notifications can be lost silently: a safety delta round every
        # SAFETY_POLLS poll intervals (4 h by default), at most SAFETY_POLL.
        safety = min(SAFETY_POLL, timedelta(seconds=poll * SAFETY_POLLS))
        due = min(now + safety, next_day)
        if self.plan.renew_at is not None:
            due = min(due, self.plan.renew_at)
        return max((due - now).total_seconds(), 0.5)

    async def _record(self, status: MailboxStatus, exc: Exception) -> None:
        message = getattr(exc, "message", None) or str(exc)
        async with self.env.sessions() as session:
            room = await session.get(models.Room, self.room.id)
            if room is None:
                return
            state = await state_for_room(session, tenant_id=room.tenant_id, room=room)
            record_status(
                state,
                status,
                error=message,
                code=getattr(exc, "code", None),
                hint=getattr(exc, "hint", None),
            )
            await session.commit()
        log.info("mailbox %s: %s: %s", self.room.mailbox, status.value, message)
        await self.env.room_changed(self.room.tenant_id, self.room.id)
