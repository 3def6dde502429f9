"""The absence writer: runs ``absence.sync`` outbox rows in bulk through ``$batch``.

The API's commands (``sync.absence_commands``) enqueue one row per change; this
writer claims up to ``claim_limit`` due rows at once, folds the rows of one
absence into one :class:`~transom.sync.outbox.absence_plans.Plan` (built from the
absence as it is *now*), and sends every plan of a tenant in batches of 20.
Rows follow the outbox state machine (``sync.outbox``); the absence's sync
state follows its rows::

    absence.sync_state   PENDING ──write done──────────────> SYNCED / NOT_SYNCED
                            │ ──credentials refused────────> HELD ──released──> PENDING
                            │ ──mailbox refused (403/404)──> FAILED (per person; hint)
                            └ ──429 / 5xx──────────────────> PENDING (row retried later)

Invariants:
- one Outlook event per absence: its id is saved in the same transaction that
  settles the row, and creates carry a transaction id Graph dedupes on;
- an event that vanished from Outlook is created again (next generation);
- a failure is per absence (per mailbox): one person's access policy never
  fails another's rows; only refused credentials hold the whole tenant;
- no Graph call happens while a database session is open.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import absences as absence_repo
from transom.db import models
from transom.db import outbox as outbox_repo
from transom.db.engine import Sessions
from transom.db.outbox import BULK_KINDS
from transom.domain.absences import SyncState, WriteAction, settled_state
from transom.domain.clock import Clock
from transom.domain.outbox import OutboxKind
from transom.graph import (
    BatchItem,
    BatchResult,
    GraphAuthError,
    GraphError,
    GraphNotFoundError,
    GraphTenantClient,
    GraphThrottledError,
    GraphTransientError,
    MailboxNotFoundError,
)
from transom.graph.convert_mailbox import from_graph_automatic_replies
from transom.pubsub import Bus, tenant_channel
from transom.sync.commands.absences import policy_of
from transom.sync.outbox import settle
from transom.sync.outbox.absence_plans import (
    RESTORED,
    SCHEDULED,
    Plan,
    RepliesStep,
    event_items,
    plan_for,
    replies_item,
    replies_to_json,
)
from transom.sync.outbox.held import hold_or_run_again, writes_are_held
from transom.sync.outbox.jobs import Outcome
from transom.sync.outbox.leases import Leases
from transom.sync.outbox.policy import backoff, gives_up, throttled
from transom.sync.outbox.wakeup import Wakeup
from transom.telemetry.logs import work_id

log = logging.getLogger(__name__)

ClientFor = Callable[[models.Tenant], Awaitable[GraphTenantClient]]
CLAIM_LIMIT = 400
BATCH_CONCURRENCY = 4


@dataclass
class Result:
    """What became of one plan in this run."""

    event_id: str | None = None
    generation_step: int = 0
    saved_replies: dict[str, object] | None = None
    replies_done: bool = False
    failure: settle.Failure | None = None
    retry_after: timedelta | None = None
    again: bool = False
    auth: GraphAuthError | None = None
    unexpected: bool = False  # a failure nobody classified: give up sooner
    items: list[str] = field(default_factory=list)


class AbsenceWriter:
    """Claims ``absence.sync`` rows and writes them to Outlook in ``$batch``es.

    Example::

        writer = AbsenceWriter(sessions=sessions, bus=bus, clock=clock,
                               client_for=env.clients.client)
        task_group.start_soon(writer.run)
    """

    def __init__(
        self,
        *,
        sessions: Sessions,
        bus: Bus,
        clock: Clock,
        client_for: ClientFor,
        idle_seconds: float = 5.0,
        claim_limit: int = CLAIM_LIMIT,
        concurrency: int = BATCH_CONCURRENCY,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._sessions = sessions
        self._bus = bus
        self._clock = clock
        self._client_for = client_for
        self._wakeup = Wakeup(
            sessions=sessions,
            bus=bus,
            clock=clock,
            idle_seconds=idle_seconds,
            kinds=BULK_KINDS,
            floor=0.05,
        )
        self._claim_limit = claim_limit
        self._concurrency = concurrency
        self._random = rng
        self._leases = Leases(sessions=sessions, clock=clock)

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(self._wakeup.listen)
            task_group.start_soon(self._leases.run)
            while True:
                try:
                    ran = await self.run_due()
                except Exception:  # the writer's boundary: log, try again later
                    log.exception("absence writer: a run failed")
                    ran = 0
                if ran == 0:
                    await self._wakeup.idle()

    async def run_due(self) -> int:
        """Claim due rows and write them; how many rows ran."""
        async with self._sessions() as session:
            items = await outbox_repo.claim_due(
                session,
                now=self._clock(),
                lease=self._leases.lease,
                limit=self._claim_limit,
                kinds=BULK_KINDS,
            )
        by_tenant: dict[str, list[models.OutboxItem]] = defaultdict(list)
        for item in items:
            by_tenant[item.tenant_id].append(item)
        with self._leases.holding(items):
            for tenant_id, tenant_items in by_tenant.items():
                with work_id("absences", tenant_id):
                    await self._run_tenant(tenant_id, tenant_items)
        return len(items)

    async def _run_tenant(self, tenant_id: str, items: list[models.OutboxItem]) -> None:
        rows_of: dict[str, list[models.OutboxItem]] = defaultdict(list)
        orphans = []
        for item in items:
            if item.absence_id:
                rows_of[item.absence_id].append(item)
            else:
                orphans.append(item)
        tenant, plans = await self._plans(tenant_id, list(rows_of))
        if tenant is None:
            return
        missing = [i for a, rows in rows_of.items() if a not in plans for i in rows]
        await self._finish_plain(orphans + missing)
        if not plans:
            return
        if writes_are_held(tenant):
            await self._hold(tenant, plans, rows_of, None)
            return
        results = await self._write(tenant, plans)
        auth = next((r.auth for r in results.values() if r.auth), None)
        if auth is not None:
            await self._hold(tenant, plans, rows_of, auth)
            return
        await self._settle(tenant, plans, rows_of, results)

    async def _plans(
        self, tenant_id: str, absence_ids: list[str]
    ) -> tuple[models.Tenant | None, dict[str, Plan]]:
        now = self._clock()
        async with self._sessions() as session:
            tenant = await session.get(models.Tenant, tenant_id)
            pairs = await absence_repo.with_people(session, absence_ids=absence_ids)
        if tenant is None:
            return None, {}
        policy = policy_of(tenant)
        plans = {
            absence.id: plan_for(
                absence, person, policy, time_zone=tenant.time_zone, now=now
            )
            for absence, person in pairs
        }
        return tenant, plans

    async def _write(
        self, tenant: models.Tenant, plans: dict[str, Plan]
    ) -> dict[str, Result]:
        results = {absence_id: Result() for absence_id in plans}
        try:
            client = await self._client_for(tenant)
            first = [
                i for p in plans.values() for i in event_items(p, tenant.time_zone)
            ]
            await self._round(client, first, plans, results)
            second = [
                item
                for absence_id, plan in plans.items()
                if _ready_for_replies(plan, results[absence_id])
                for item in [replies_item(plan)]
                if item is not None
            ]
            await self._round(client, second, plans, results)
        except Exception as raised:  # boundary: every plan records it below
            exc = _leaf(raised)
            if isinstance(exc, GraphAuthError):
                for result in results.values():
                    result.auth = exc
                return results
            # A whole batch failed (throttled, 5xx, timeout, or unexpectedly):
            # every plan retries, and gives up sooner on an unexpected error.
            unexpected = not isinstance(exc, GraphError | TimeoutError)
            if unexpected:
                log.error("absence batch failed unexpectedly", exc_info=exc)
            failure = settle.Failure.of(exc)
            delay = _delay_for(exc, 1, self._random)
            log.warning("absence batch failed: %s", failure.message)
            for result in results.values():
                if result.failure is None:
                    result.failure, result.retry_after = failure, delay
                    result.unexpected = unexpected
        return results

    async def _round(
        self,
        client: GraphTenantClient,
        items: Sequence[BatchItem],
        plans: dict[str, Plan],
        results: dict[str, Result],
    ) -> None:
        if not items:
            return
        answers = await client.run_batches(items, concurrency=self._concurrency)
        for answer in answers:
            kind, _, absence_id = answer.id.partition("-")
            plan, result = plans[absence_id], results[absence_id]
            result.items.append(answer.id)
            _record(kind, plan, result, answer, self._random)

    async def _settle(
        self,
        tenant: models.Tenant,
        plans: dict[str, Plan],
        rows_of: dict[str, list[models.OutboxItem]],
        results: dict[str, Result],
    ) -> None:
        now = self._clock()
        async with self._sessions() as session:
            for absence_id, plan in plans.items():
                absence = await session.get(
                    models.Absence, absence_id, populate_existing=True
                )
                if absence is None:
                    continue
                outcome = _apply(absence, plan, results[absence_id], now)
                for row in rows_of[absence_id]:
                    await _settle_row(session, row, outcome, results[absence_id], now)
                if outcome == "scheduled" and plan.replies_end is not None:
                    outbox_repo.enqueue(
                        session,
                        tenant_id=tenant.id,
                        kind=OutboxKind.SYNC_ABSENCE,
                        payload={"reason": "restore replies"},
                        now=plan.replies_end,
                        absence_id=absence_id,
                    )
            await session.commit()
        await self._bus.publish(tenant_channel(tenant.id), {"type": "absence"})

    async def _hold(
        self,
        tenant: models.Tenant,
        plans: dict[str, Plan],
        rows_of: dict[str, list[models.OutboxItem]],
        exc: GraphAuthError | None,
    ) -> None:
        now = self._clock()
        async with self._sessions() as session:
            item_ids = [item.id for a in plans for item in rows_of[a]]
            failure = await hold_or_run_again(
                session, attempted=tenant, error=exc, item_ids=item_ids, now=now
            )
            if failure is None:
                await session.commit()
                self._wakeup.set()
                return
            for absence_id in plans:
                absence = await session.get(models.Absence, absence_id)
                if absence is not None:
                    absence.sync_state = SyncState.HELD.value
                    _set_error(absence, failure)
                for item in rows_of[absence_id]:
                    await settle.hold(
                        session, item_id=item.id, failure=failure, now=now
                    )
            await session.commit()
        await self._bus.publish(tenant_channel(tenant.id), {"type": "tenant"})

    async def _finish_plain(self, items: list[models.OutboxItem]) -> None:
        """Rows whose absence is gone: nothing to write."""
        if not items:
            return
        async with self._sessions() as session:
            for item in items:
                await settle.finish(
                    session,
                    item_id=item.id,
                    outcome=Outcome({"skipped": "absence gone"}),
                    now=self._clock(),
                )
            await session.commit()


def _leaf(exc: BaseException) -> BaseException:
    """The error inside a task group's ExceptionGroup (auth errors first)."""
    if not isinstance(exc, BaseExceptionGroup):
        return exc
    leaves = [_leaf(e) for e in exc.exceptions]
    auth = [e for e in leaves if isinstance(e, GraphAuthError)]
    return (auth or leaves or [exc])[0]


def _ready_for_replies(plan: Plan, result: Result) -> bool:
    if plan.replies == RepliesStep.NONE or result.failure or result.again:
        return False
    return not (plan.fetch_saved and result.saved_replies is None)


def _record(
    kind: str,
    plan: Plan,
    result: Result,
    answer: BatchResult,
    rng: Callable[[], float],
) -> None:
    error = answer.error()
    if error is None:
        _record_success(kind, plan, result, answer)
        return
    gone = isinstance(error, GraphNotFoundError) and not isinstance(
        error, MailboxNotFoundError
    )
    if kind == "e" and gone:
        # The event was deleted in Outlook: done for a delete, else create anew.
        result.generation_step = 1
        result.again = plan.action is WriteAction.UPDATE
        result.event_id = None
        return
    if isinstance(error, GraphAuthError):
        result.auth = error
        return
    result.failure = settle.Failure.of(error)
    if isinstance(error, GraphThrottledError | GraphTransientError):
        result.retry_after = _delay_for(error, 1, rng)


def _record_success(kind: str, plan: Plan, result: Result, answer: BatchResult) -> None:
    if kind == "e" and plan.action is WriteAction.CREATE:
        result.event_id = str(answer.body["id"])
    elif kind == "e" and plan.action is WriteAction.UPDATE:
        result.event_id = plan.event_id
    elif kind == "e" and plan.action is WriteAction.DELETE:
        result.event_id, result.generation_step = None, 1
    elif kind == "g":
        body = answer.body if isinstance(answer.body, dict) else {}
        found = from_graph_automatic_replies(body.get("automaticRepliesSetting") or {})
        result.saved_replies = replies_to_json(found)
    elif kind == "r":
        result.replies_done = True


def _delay_for(
    exc: BaseException, attempts: int, rng: Callable[[], float]
) -> timedelta:
    if isinstance(exc, GraphThrottledError):
        return throttled(exc.retry_after_seconds, rng)
    return backoff(attempts, rng)


def _apply(absence: models.Absence, plan: Plan, result: Result, now: datetime) -> str:
    """Write the run's progress and state onto the absence; a short verdict."""
    touched_event = any(i.startswith("e-") for i in result.items)
    if touched_event and (result.failure is None or result.event_id):
        absence.graph_event_id = result.event_id
    absence.sync_generation += result.generation_step
    if result.saved_replies is not None and absence.replies_saved is None:
        absence.replies_saved = dict(result.saved_replies)
    verdict = "done"
    if result.replies_done and plan.replies == RepliesStep.SCHEDULE:
        absence.replies_state, verdict = SCHEDULED, "scheduled"
    elif result.replies_done and plan.replies == RepliesStep.RESTORE:
        absence.replies_state, absence.replies_saved = RESTORED, None
    changed_since = absence.updated_at != plan.updated_at
    if result.failure is not None and result.retry_after is None:
        absence.sync_state = SyncState.FAILED.value
        _set_error(absence, result.failure)
        return "failed"
    if result.failure is not None:
        _set_error(absence, result.failure)
        return "retry"
    if result.again:
        return "again"
    if not changed_since:
        absence.sync_state = settled_state(plan.wanted).value
        absence.last_error = absence.sync_code = absence.sync_hint = None
    return verdict


def _set_error(absence: models.Absence, failure: settle.Failure) -> None:
    absence.last_error = failure.message
    absence.sync_code = failure.code
    absence.sync_hint = failure.hint


async def _settle_row(
    session: AsyncSession,
    row: models.OutboxItem,
    verdict: str,
    result: Result,
    now: datetime,
) -> None:
    summary = {"event_id": result.event_id, "items": len(result.items)}
    if verdict == "failed" and result.failure is not None:
        await settle.fail(session, item_id=row.id, failure=result.failure, now=now)
    elif verdict == "retry" and result.failure is not None:
        if gives_up(row.attempts, unexpected=result.unexpected):
            await settle.fail(session, item_id=row.id, failure=result.failure, now=now)
        else:
            delay = result.retry_after or timedelta(seconds=1)
            await settle.reschedule(
                session, item_id=row.id, delay=delay, failure=result.failure, now=now
            )
    elif verdict == "again":
        outcome = Outcome(summary, again_after=timedelta(0))
        await settle.finish(session, item_id=row.id, outcome=outcome, now=now)
    else:
        await settle.finish(session, item_id=row.id, outcome=Outcome(summary), now=now)
