"""People of a tenant's directory and their absences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db.pages import Page, fetch_page


async def page_people(
    session: AsyncSession,
    *,
    tenant_id: str | None,
    search: str | None,
    first: int,
    after: str | None,
    calendar_status: str | None = None,
    follows_calendar: bool | None = None,
) -> Page[models.Person]:
    stmt = select(models.Person)
    if tenant_id is not None:
        stmt = stmt.where(models.Person.tenant_id == tenant_id)
    if calendar_status is not None:
        stmt = stmt.where(models.Person.calendar_status == calendar_status)
    if follows_calendar is not None:
        stmt = stmt.where(
            models.Person.availability_follows_calendar.is_(follows_calendar)
        )
    if search:
        # autoescape: a % or _ in the search is a character, not a wildcard
        wanted = search.lower()
        stmt = stmt.where(
            or_(
                func.lower(models.Person.display_name).contains(
                    wanted, autoescape=True
                ),
                func.lower(models.Person.primary_email).contains(
                    wanted, autoescape=True
                ),
            )
        )
    order = [models.Person.display_name, models.Person.id]
    return await fetch_page(session, stmt, order, first=first, after=after)


@dataclass(frozen=True)
class AbsenceFilter:
    """What an absence list is narrowed to; None: no narrowing."""

    person_id: str | None = None
    person_search: str | None = None
    kind: str | None = None
    sync_state: str | None = None
    approval: str | None = None
    ends_after: datetime | None = None
    starts_before: datetime | None = None


def _person_matches(search: str) -> Any:
    wanted = search.lower()
    return select(models.Person.id).where(
        or_(
            func.lower(models.Person.display_name).contains(wanted, autoescape=True),
            func.lower(models.Person.primary_email).contains(wanted, autoescape=True),
        )
    )


async def page_absences(
    session: AsyncSession,
    *,
    tenant_id: str | None,
    wanted: AbsenceFilter,
    first: int,
    after: str | None,
) -> Page[models.Absence]:
    """Live absences by start; a date range keeps those overlapping it."""
    absence = models.Absence
    stmt = select(absence).where(absence.deleted_at.is_(None))
    if tenant_id is not None:
        stmt = stmt.where(absence.tenant_id == tenant_id)
    if wanted.person_id is not None:
        stmt = stmt.where(absence.person_id == wanted.person_id)
    if wanted.person_search:
        stmt = stmt.where(absence.person_id.in_(_person_matches(wanted.person_search)))
    if wanted.kind is not None:
        stmt = stmt.where(absence.kind == wanted.kind)
    if wanted.sync_state is not None:
        stmt = stmt.where(absence.sync_state == wanted.sync_state)
    if wanted.approval is not None:
        stmt = stmt.where(absence.approval == wanted.approval)
    if wanted.ends_after is not None:
        stmt = stmt.where(absence.end > wanted.ends_after)
    if wanted.starts_before is not None:
        stmt = stmt.where(absence.start < wanted.starts_before)
    order = [absence.start, absence.id]
    return await fetch_page(session, stmt, order, first=first, after=after)


async def get_people(
    session: AsyncSession, *, person_ids: Sequence[str]
) -> list[models.Person]:
    if not person_ids:
        return []
    rows = await session.scalars(
        select(models.Person).where(models.Person.id.in_(list(person_ids)))
    )
    return list(rows.all())


async def find_person_by_address(
    session: AsyncSession, *, tenant_id: str, address: str
) -> models.Person | None:
    """The person whose primary address or an alias is ``address`` (any case)."""
    wanted = address.lower()
    base = select(models.Person).where(models.Person.tenant_id == tenant_id)
    primary = await session.scalar(
        base.where(func.lower(models.Person.primary_email) == wanted).limit(1)
    )
    if primary is not None:
        return primary
    # JSON lists have no portable "contains": narrow by text, then check exactly.
    aliased = base.where(
        func.lower(cast(models.Person.aliases, String)).contains(
            wanted, autoescape=True
        )
    )
    for person in (await session.scalars(aliased)).all():
        if wanted in (a.lower() for a in person.aliases or ()):
            return person
    return None


async def has_people(session: AsyncSession, *, tenant_id: str) -> bool:
    """Whether the tenant's directory was imported (at least one person)."""
    found = await session.scalar(
        select(models.Person.id).where(models.Person.tenant_id == tenant_id).limit(1)
    )
    return found is not None
