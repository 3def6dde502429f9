"""What Transom keeps of people's calendars: busy slots for availability.

Writers replace slots by Graph event id (an event moved in Outlook updates its
row); readers ask for the slots of one person around a moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
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
        )
        for s in slots
    )


async def clear_slots(session: AsyncSession, *, person_id: str) -> None:
    """Before a full resync: Exchange's answer replaces everything."""
    await session.execute(
        delete(models.PersonBusySlot).where(
            models.PersonBusySlot.person_id == person_id
        )
    )
