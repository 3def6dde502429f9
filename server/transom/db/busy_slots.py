"""What Transom keeps of people's calendars: busy slots for availability.

Writers replace slots by Graph event id (an event moved in Outlook updates its
row) and stamp ``seen_at``, so a full resync drops exactly the slots Exchange no
longer has (:func:`drop_unseen`); readers ask for the slots of one person
around a moment. In free/busy-only mode :func:`scrub_text` clears every stored
subject and location of a tenant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.availability import BusySlot
from transom.domain.calendar import ShowAs


def to_slot(row: models.PersonBusySlot) -> BusySlot:
    return BusySlot(
        event_id=row.graph_event_id,
        start=row.start,
        end=row.end,
        show_as=ShowAs(row.show_as),
        is_private=row.is_private,
        is_all_day=row.is_all_day,
        subject=row.subject,
        location=row.location,
    )


async def slots_between(
    session: AsyncSession, *, person_id: str, start: datetime, end: datetime
) -> list[BusySlot]:
    rows = await session.scalars(
        select(models.PersonBusySlot).where(
            models.PersonBusySlot.person_id == person_id,
            models.PersonBusySlot.start < end,
            models.PersonBusySlot.end > start,
        )
    )
    return [to_slot(row) for row in rows.all()]


async def apply_slots(
    session: AsyncSession,
    *,
    tenant_id: str,
    person_id: str,
    slots: Sequence[BusySlot],
    removed_ids: Sequence[str],
    seen_at: datetime | None = None,
) -> None:
    """Upsert ``slots`` and drop ``removed_ids`` (idempotent: replays are harmless)."""
    gone = list(removed_ids) + [s.event_id for s in slots]
    if gone:
        await session.execute(
            delete(models.PersonBusySlot).where(
                models.PersonBusySlot.person_id == person_id,
                models.PersonBusySlot.graph_event_id.in_(gone),
            )
        )
    session.add_all(
        models.PersonBusySlot(
            tenant_id=tenant_id,
            person_id=person_id,
            graph_event_id=s.event_id,
            start=s.start,
            end=s.end,
            show_as=s.show_as.value,
            is_private=s.is_private,
            is_all_day=s.is_all_day,
            subject=s.subject,
            location=s.location,
            seen_at=seen_at,
        )
        for s in {s.event_id: s for s in slots}.values()
    )


async def clear_slots(session: AsyncSession, *, person_id: str) -> None:
    """Before a full resync: Exchange's answer replaces everything."""
    await session.execute(
        delete(models.PersonBusySlot).where(
            models.PersonBusySlot.person_id == person_id
        )
    )


async def drop_unseen(
    session: AsyncSession,
    *,
    person_id: str,
    window: tuple[datetime, datetime],
    round_started_at: datetime,
) -> int:
    """After a full resync: slots in the window the round did not see are gone."""
    start, end = window
    result = await session.execute(
        delete(models.PersonBusySlot)
        .where(
            models.PersonBusySlot.person_id == person_id,
            models.PersonBusySlot.start < end,
            models.PersonBusySlot.end > start,
            or_(
                models.PersonBusySlot.seen_at.is_(None),
                models.PersonBusySlot.seen_at < round_started_at,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def scrub_text(
    session: AsyncSession,
    *,
    tenant_id: str,
    person_id: str | None = None,
    only_private: bool = False,
) -> int:
    """No subject or location stays stored (free/busy-only), or none of a
    private meeting's (``only_private``); how many rows."""
    stmt = update(models.PersonBusySlot).where(
        models.PersonBusySlot.tenant_id == tenant_id,
        or_(
            models.PersonBusySlot.subject.is_not(None),
            models.PersonBusySlot.location.is_not(None),
        ),
    )
    if person_id is not None:
        stmt = stmt.where(models.PersonBusySlot.person_id == person_id)
    if only_private:
        stmt = stmt.where(models.PersonBusySlot.is_private.is_(True))
    result = await session.execute(
        stmt.values(subject=None, location=None).execution_options(
            synchronize_session=False
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
