"""People of a tenant's directory and their absences."""

from __future__ import annotations

from sqlalchemy import func, or_, select
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
) -> Page[models.Person]:
    stmt = select(models.Person)
    if tenant_id is not None:
        stmt = stmt.where(models.Person.tenant_id == tenant_id)
    if search:
        pattern = f"%{search.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(models.Person.display_name).like(pattern),
                func.lower(models.Person.primary_email).like(pattern),
            )
        )
    order = [models.Person.display_name, models.Person.id]
    return await fetch_page(session, stmt, order, first=first, after=after)


async def page_absences(
    session: AsyncSession,
    *,
    tenant_id: str | None,
    person_id: str | None,
    first: int,
    after: str | None,
) -> Page[models.Absence]:
    stmt = select(models.Absence)
    if tenant_id is not None:
        stmt = stmt.where(models.Absence.tenant_id == tenant_id)
    if person_id is not None:
        stmt = stmt.where(models.Absence.person_id == person_id)
    order = [models.Absence.start, models.Absence.id]
    return await fetch_page(session, stmt, order, first=first, after=after)
