"""Tenants: the organisations Transom serves, each with its own Entra ID app."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db.pages import Page, fetch_page
from transom.db.row_locks import lock_row


async def create_tenant(
    session: AsyncSession, *, name: str, time_zone: str = "UTC"
) -> models.Tenant:
    tenant = models.Tenant(name=name, time_zone=time_zone, settings={})
    session.add(tenant)
    await session.flush()
    return tenant


async def get_tenant(session: AsyncSession, *, tenant_id: str) -> models.Tenant | None:
    return await session.get(models.Tenant, tenant_id)


async def lock_tenant(session: AsyncSession, tenant_id: str) -> models.Tenant | None:
    """The tenant, read fresh and locked until this transaction ends.

    Saving credentials and holding writes for refused ones are then one step
    each, never interleaved.
    """
    await lock_row(session, models.Tenant, tenant_id)
    return await session.get(models.Tenant, tenant_id, populate_existing=True)


async def get_tenants(
    session: AsyncSession, *, tenant_ids: Sequence[str]
) -> list[models.Tenant]:
    rows = await session.scalars(
        select(models.Tenant).where(models.Tenant.id.in_(tenant_ids))
    )
    return list(rows.all())


async def page_tenants(
    session: AsyncSession, *, tenant_id: str | None, first: int, after: str | None
) -> Page[models.Tenant]:
    """Tenants by name; ``tenant_id`` None means every tenant (superadmin)."""
    stmt = select(models.Tenant)
    if tenant_id is not None:
        stmt = stmt.where(models.Tenant.id == tenant_id)
    order = [models.Tenant.name, models.Tenant.id]
    return await fetch_page(session, stmt, order, first=first, after=after)
