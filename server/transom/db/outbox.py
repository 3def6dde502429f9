"""The outbox of Graph writes: enqueue, claim, settle, list (see ``transom.sync.outbox.worker``).

Claiming is safe with several worker processes: a candidate is taken by a
conditional ``UPDATE ... WHERE status = <seen> AND next_attempt_at <= now``, so
exactly one claimer sees ``rowcount == 1``. A claimed (RUNNING) row carries a
lease in ``next_attempt_at``; a worker that dies leaves it RUNNING and the row is
claimable again once the lease has passed.

Writes of one booking run in order: a row waits while an older row of the same
booking is still PENDING, RUNNING or HELD (follow-up reads never block others).
A cancel is the exception: it waits only for an older write that is running
right now (RUNNING, lease not passed); the older writes still waiting (PENDING,
HELD, or RUNNING with a dead lease) are superseded when the cancel is claimed
(DONE, ``result.superseded``), so a cancel never queues behind a create that
cannot finish. The cancel handler then withdraws whatever of the create
reached Exchange.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from transom.db import models
from transom.db.pages import Page, fetch_page
from transom.domain.outbox import OutboxKind, OutboxStatus

BULK_KINDS = (OutboxKind.SYNC_ABSENCE.value,)
"""Kinds run in bulk (``$batch``) by their own writer (``sync.absence_writes``),
never by the one-row-at-a-time ``OutboxWorker``."""


LIVE = (OutboxStatus.PENDING.value, OutboxStatus.RUNNING.value, OutboxStatus.HELD.value)
NON_BLOCKING_KINDS = (
    OutboxKind.AWAIT_ROOM_RESPONSE.value,
    OutboxKind.AWAIT_EXTENSION.value,
)
SUPERSEDING_KINDS = (OutboxKind.CANCEL_BOOKING.value,)


def enqueue(
    session: AsyncSession,
    *,
    tenant_id: str,
    kind: OutboxKind,
    payload: dict[str, Any],
    now: datetime,
    booking_id: str | None = None,
    absence_id: str | None = None,
) -> models.OutboxItem:
    """Add a write to the session; it commits with the caller's domain change."""
    item = models.OutboxItem(
        tenant_id=tenant_id,
        kind=kind.value,
        payload=payload,
        status=OutboxStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        booking_id=booking_id,
        absence_id=absence_id,
        created_at=now,
        result={},
    )
    session.add(item)
    return item


def _earlier_write(now: datetime, *, waiting_too: Any) -> Any:
    """An older write of the same booking that this row must wait for: one
    running right now, or (where ``waiting_too`` holds) any live one."""
    older = aliased(models.OutboxItem)
    running = and_(
        older.status == OutboxStatus.RUNNING.value, older.next_attempt_at > now
    )
    return exists().where(
        older.booking_id == models.OutboxItem.booking_id,
        older.id != models.OutboxItem.id,
        older.kind.not_in(NON_BLOCKING_KINDS),
        or_(running, and_(waiting_too, older.status.in_(LIVE))),
        or_(
            older.created_at < models.OutboxItem.created_at,
            and_(
                older.created_at == models.OutboxItem.created_at,
                older.id < models.OutboxItem.id,
            ),
        ),
    )


def _claimable(now: datetime, kinds: tuple[str, ...] | None = None) -> Any:
    due = models.OutboxItem.next_attempt_at <= now
    statuses = and_(
        models.OutboxItem.status.in_(
            (OutboxStatus.PENDING.value, OutboxStatus.RUNNING.value)
        ),
        models.OutboxItem.kind.in_(kinds)
        if kinds is not None
        else models.OutboxItem.kind.not_in(BULK_KINDS),
    )
    waits = _earlier_write(
        now, waiting_too=models.OutboxItem.kind.not_in(SUPERSEDING_KINDS)
    )
    unblocked = or_(models.OutboxItem.booking_id.is_(None), ~waits)
    return and_(due, statuses, unblocked)


async def _supersede_earlier(
    session: AsyncSession, item_id: str, booking_id: str, now: datetime
) -> None:
    """Older writes of the booking still waiting give way to this one (DONE)."""
    item = aliased(models.OutboxItem)
    waiting = or_(
        models.OutboxItem.status.in_(
            (OutboxStatus.PENDING.value, OutboxStatus.HELD.value)
        ),
        and_(
            models.OutboxItem.status == OutboxStatus.RUNNING.value,
            models.OutboxItem.next_attempt_at <= now,
        ),
    )
    this = select(item.created_at).where(item.id == item_id).scalar_subquery()
    await session.execute(
        update(models.OutboxItem)
        .where(
            models.OutboxItem.booking_id == booking_id,
            models.OutboxItem.id != item_id,
            models.OutboxItem.kind.not_in(NON_BLOCKING_KINDS),
            models.OutboxItem.created_at <= this,
            waiting,
        )
        .values(
            status=OutboxStatus.DONE.value,
            last_error="Superseded: the booking was cancelled before this write ran.",
            last_error_code="SUPERSEDED",
        )
        .execution_options(synchronize_session=False)
    )


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    kinds: tuple[str, ...] | None = None,
) -> list[models.OutboxItem]:
    """Take up to ``limit`` due rows (of ``kinds``; default: all but the bulk
    kinds); commits.

    Each becomes RUNNING, leased until ``now + lease``, with one more attempt.
    """
    stmt = (
        select(
            models.OutboxItem.id,
            models.OutboxItem.status,
            models.OutboxItem.kind,
            models.OutboxItem.booking_id,
        )
        .where(_claimable(now, kinds))
        .order_by(models.OutboxItem.next_attempt_at, models.OutboxItem.id)
        .limit(limit)
    )
    candidates = (await session.execute(stmt)).all()
    won: list[str] = []
    for item_id, status, kind, booking_id in candidates:
        condition = and_(
            models.OutboxItem.id == item_id,
            models.OutboxItem.status == status,
            models.OutboxItem.next_attempt_at <= now,
        )
        if kind in SUPERSEDING_KINDS and booking_id is not None:
            await _supersede_earlier(session, item_id, booking_id, now)
            # Whatever another worker claimed meanwhile runs first.
            condition = and_(condition, ~_earlier_write(now, waiting_too=false()))
        taken = await session.execute(
            update(models.OutboxItem)
            .where(condition)
            .values(
                status=OutboxStatus.RUNNING.value,
                next_attempt_at=now + lease,
                attempts=models.OutboxItem.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) == 1:
            won.append(item_id)
    await session.commit()
    if not won:
        return []
    rows = await session.scalars(
        select(models.OutboxItem)
        .where(models.OutboxItem.id.in_(won))
        .execution_options(populate_existing=True)
    )
    return sorted(rows.all(), key=lambda r: won.index(r.id))


async def renew_leases(
    session: AsyncSession,
    *,
    claims: dict[str, int],
    now: datetime,
    lease: timedelta,
) -> list[str]:
    """Extend the lease of rows still RUNNING under these claims (row id → the
    attempt number it was claimed with); commits. Returns the rows lost (taken
    over by another worker after a lapse, or settled)."""
    lost = []
    for item_id, attempts in claims.items():
        renewed = await session.execute(
            update(models.OutboxItem)
            .where(
                models.OutboxItem.id == item_id,
                models.OutboxItem.status == OutboxStatus.RUNNING.value,
                models.OutboxItem.attempts == attempts,
            )
            .values(next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        if getattr(renewed, "rowcount", 0) != 1:
            lost.append(item_id)
    await session.commit()
    return lost


async def release_leases(
    session: AsyncSession, *, claims: dict[str, int], now: datetime
) -> int:
    """Give back rows this worker claimed but will not finish (it is shutting
    down): PENDING and due now, the interrupted attempt not counted; commits."""
    released = 0
    for item_id, attempts in claims.items():
        result = await session.execute(
            update(models.OutboxItem)
            .where(
                models.OutboxItem.id == item_id,
                models.OutboxItem.status == OutboxStatus.RUNNING.value,
                models.OutboxItem.attempts == attempts,
            )
            .values(
                status=OutboxStatus.PENDING.value,
                next_attempt_at=now,
                attempts=attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )
        released += int(getattr(result, "rowcount", 0) or 0)
    await session.commit()
    return released


async def next_due_at(
    session: AsyncSession, *, kinds: tuple[str, ...] | None = None
) -> datetime | None:
    """When the earliest PENDING or leased row (of ``kinds``; default: all but
    the bulk kinds) becomes due."""
    return await session.scalar(
        select(func.min(models.OutboxItem.next_attempt_at)).where(
            models.OutboxItem.status.in_(
                (OutboxStatus.PENDING.value, OutboxStatus.RUNNING.value)
            ),
            models.OutboxItem.kind.in_(kinds)
            if kinds is not None
            else models.OutboxItem.kind.not_in(BULK_KINDS),
        )
    )


async def get_item(
    session: AsyncSession, *, item_id: str, tenant_id: str | None
) -> models.OutboxItem | None:
    """One row; ``tenant_id`` None means any tenant (superadmin, worker)."""
    item = await session.get(models.OutboxItem, item_id, populate_existing=True)
    if item is None or (tenant_id is not None and item.tenant_id != tenant_id):
        return None
    return item


async def items_of_booking(
    session: AsyncSession, *, booking_id: str
) -> list[models.OutboxItem]:
    rows = await session.scalars(
        select(models.OutboxItem)
        .where(models.OutboxItem.booking_id == booking_id)
        .order_by(models.OutboxItem.created_at, models.OutboxItem.id)
    )
    return list(rows.all())


async def create_of_booking(
    session: AsyncSession, *, booking_id: str
) -> models.OutboxItem | None:
    """The ``booking.create`` write of a booking made in Transom, if any."""
    return await session.scalar(
        select(models.OutboxItem).where(
            models.OutboxItem.booking_id == booking_id,
            models.OutboxItem.kind == OutboxKind.CREATE_BOOKING.value,
        )
    )


async def page_items(
    session: AsyncSession,
    *,
    tenant_id: str | None,
    status: OutboxStatus | None,
    first: int,
    after: str | None,
) -> Page[models.OutboxItem]:
    """Rows in the order they were enqueued, for the admin list of writes."""
    stmt = select(models.OutboxItem)
    if tenant_id is not None:
        stmt = stmt.where(models.OutboxItem.tenant_id == tenant_id)
    if status is not None:
        stmt = stmt.where(models.OutboxItem.status == status.value)
    order = [models.OutboxItem.created_at, models.OutboxItem.id]
    return await fetch_page(session, stmt, order, first=first, after=after)


async def hold_tenant(session: AsyncSession, *, tenant_id: str) -> int:
    """Park every PENDING row of a tenant whose credentials failed."""
    result = await session.execute(
        update(models.OutboxItem)
        .where(
            models.OutboxItem.tenant_id == tenant_id,
            models.OutboxItem.status == OutboxStatus.PENDING.value,
        )
        .values(status=OutboxStatus.HELD.value)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release_tenant(
    session: AsyncSession, *, tenant_id: str, now: datetime
) -> int:
    """HELD rows of a tenant become due now; the number released."""
    result = await session.execute(
        update(models.OutboxItem)
        .where(
            models.OutboxItem.tenant_id == tenant_id,
            models.OutboxItem.status == OutboxStatus.HELD.value,
        )
        .values(status=OutboxStatus.PENDING.value, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
