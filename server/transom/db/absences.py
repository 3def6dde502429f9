"""Absences: lookups for the API and for the sync of absences into Outlook.

A deleted absence keeps its row (``deleted_at`` set) until its Outlook event is
gone; every query for callers hides such rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db.outbox import LIVE
from transom.domain.outbox import OutboxStatus


async def get_absence(
    session: AsyncSession, *, absence_id: str, tenant_id: str | None
) -> models.Absence | None:
    """One visible absence; ``tenant_id`` None means any tenant (superadmin)."""
    row = await session.get(models.Absence, absence_id, populate_existing=True)
    if row is None or row.deleted_at is not None:
        return None
    if tenant_id is not None and row.tenant_id != tenant_id:
        return None
    return row


async def find_by_external_id(
    session: AsyncSession, *, tenant_id: str, external_id: str
) -> models.Absence | None:
    """The absence the HR system knows as ``external_id`` (deleted ones too)."""
    result: models.Absence | None = await session.scalar(
        select(models.Absence).where(
            models.Absence.tenant_id == tenant_id,
            models.Absence.external_id == external_id,
        )
    )
    return result


async def by_external_ids(
    session: AsyncSession, *, tenant_id: str, external_ids: Sequence[str]
) -> dict[str, models.Absence]:
    if not external_ids:
        return {}
    rows = await session.scalars(
        select(models.Absence).where(
            models.Absence.tenant_id == tenant_id,
            models.Absence.external_id.in_(list(external_ids)),
        )
    )
    return {row.external_id or "": row for row in rows.all()}


async def with_people(
    session: AsyncSession, *, absence_ids: Sequence[str]
) -> list[tuple[models.Absence, models.Person]]:
    """Absences (deleted ones too) with their person, for the Outlook writer."""
    if not absence_ids:
        return []
    rows = await session.execute(
        select(models.Absence, models.Person)
        .join(models.Person, models.Person.id == models.Absence.person_id)
        .where(models.Absence.id.in_(list(absence_ids)))
        .execution_options(populate_existing=True)
    )
    return list(rows.tuples().all())


async def outbox_statuses(
    session: AsyncSession, *, absence_ids: Sequence[str]
) -> dict[str, str]:
    """The most telling live outbox status per absence: HELD over the others."""
    if not absence_ids:
        return {}
    rows = await session.execute(
        select(models.OutboxItem.absence_id, models.OutboxItem.status).where(
            models.OutboxItem.absence_id.in_(list(absence_ids)),
            models.OutboxItem.status.in_(LIVE),
        )
    )
    found: dict[str, str] = {}
    for absence_id, status in rows.tuples().all():
        if absence_id is None:
            continue
        if found.get(absence_id) != OutboxStatus.HELD.value:
            found[absence_id] = status
    return found


async def retryable_writes(
    session: AsyncSession, *, absence_ids: Sequence[str]
) -> dict[str, str]:
    """Per absence, the id of its newest FAILED or HELD write (to retry)."""
    if not absence_ids:
        return {}
    item = models.OutboxItem
    rows = await session.execute(
        select(item.absence_id, item.id)
        .where(
            item.absence_id.in_(list(absence_ids)),
            item.status.in_([OutboxStatus.FAILED.value, OutboxStatus.HELD.value]),
        )
        .order_by(item.created_at, item.id)
    )
    return {a: i for a, i in rows.tuples().all() if a is not None}


async def approved_between(
    session: AsyncSession, *, person_id: str, start: datetime, end: datetime
) -> list[models.Absence]:
    rows = await session.scalars(
        select(models.Absence).where(
            models.Absence.person_id == person_id,
            models.Absence.approval == "APPROVED",
            models.Absence.deleted_at.is_(None),
            models.Absence.start < end,
            models.Absence.end > start,
        )
    )
    return list(rows.all())


async def count_by_state(session: AsyncSession, *, tenant_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(models.Absence.sync_state, func.count())
        .where(
            models.Absence.tenant_id == tenant_id,
            models.Absence.deleted_at.is_(None),
        )
        .group_by(models.Absence.sync_state)
    )
    return {state: int(n) for state, n in rows.tuples().all()}


async def hold_parked(
    session: AsyncSession,
    *,
    tenant_id: str,
    message: str | None,
    code: str | None,
    hint: str | None,
) -> int:
    """PENDING absences whose Outlook write the outbox parked (a HELD row) show
    HELD with the tenant's reason; how many. Call after ``outbox.hold_tenant``."""
    parked = select(models.OutboxItem.absence_id).where(
        models.OutboxItem.tenant_id == tenant_id,
        models.OutboxItem.status == OutboxStatus.HELD.value,
        models.OutboxItem.absence_id.is_not(None),
    )
    result = await session.execute(
        update(models.Absence)
        .where(
            models.Absence.tenant_id == tenant_id,
            models.Absence.sync_state == "PENDING",
            models.Absence.id.in_(parked),
        )
        .values(sync_state="HELD", last_error=message, sync_code=code, sync_hint=hint)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release_held(session: AsyncSession, *, tenant_id: str) -> int:
    """HELD absences are PENDING again (their rows were released); how many."""
    result = await session.execute(
        update(models.Absence)
        .where(
            models.Absence.tenant_id == tenant_id,
            models.Absence.sync_state == "HELD",
        )
        .values(sync_state="PENDING")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
