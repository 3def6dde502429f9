"""Sign in with Microsoft per tenant: whether it is on, its e-mail domains and role rules."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.access import Role
from transom.domain.sign_in_roles import RoleRule, RuleKind


async def enable_sso(
    session: AsyncSession, *, tenant_id: str, domains: list[str]
) -> None:
    """Turn sign-in on (idempotent) and add ``domains`` (lower-cased)."""
    if await session.get(models.SsoTenant, tenant_id) is None:
        session.add(models.SsoTenant(tenant_id=tenant_id))
    for domain in domains:
        key = domain.strip().lower()
        if await session.get(models.SsoDomain, key) is None:
            session.add(models.SsoDomain(domain=key, tenant_id=tenant_id))
    await session.flush()


async def disable_sso(session: AsyncSession, *, tenant_id: str) -> None:
    for model in (models.SsoDomain, models.SsoRoleRule, models.SsoTenant):
        await session.execute(delete(model).where(model.tenant_id == tenant_id))


async def sso_enabled(session: AsyncSession, *, tenant_id: str) -> bool:
    return await session.get(models.SsoTenant, tenant_id) is not None


async def domain_owner(session: AsyncSession, *, domain: str) -> str | None:
    """The tenant id whose people sign in with ``domain``, if SSO is on for it."""
    row = await session.get(models.SsoDomain, domain.strip().lower())
    return None if row is None else row.tenant_id


async def domains_of(session: AsyncSession, *, tenant_id: str) -> list[str]:
    rows = await session.scalars(
        select(models.SsoDomain.domain)
        .where(models.SsoDomain.tenant_id == tenant_id)
        .order_by(models.SsoDomain.domain)
    )
    return list(rows)


async def set_rule(session: AsyncSession, *, tenant_id: str, rule: RoleRule) -> None:
    """Add or replace the rule for (kind, value)."""
    row = await session.scalar(
        select(models.SsoRoleRule).where(
            models.SsoRoleRule.tenant_id == tenant_id,
            models.SsoRoleRule.kind == rule.kind.value,
            models.SsoRoleRule.value == rule.value,
        )
    )
    if row is None:
        row = models.SsoRoleRule(
            tenant_id=tenant_id, kind=rule.kind.value, value=rule.value
        )
        session.add(row)
    row.role = rule.role.value
    await session.flush()


async def remove_rule(
    session: AsyncSession, *, tenant_id: str, kind: RuleKind, value: str
) -> bool:
    result = await session.execute(
        delete(models.SsoRoleRule).where(
            models.SsoRoleRule.tenant_id == tenant_id,
            models.SsoRoleRule.kind == kind.value,
            models.SsoRoleRule.value == value,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def rules_of(session: AsyncSession, *, tenant_id: str) -> list[RoleRule]:
    rows = await session.scalars(
        select(models.SsoRoleRule)
        .where(models.SsoRoleRule.tenant_id == tenant_id)
        .order_by(models.SsoRoleRule.kind, models.SsoRoleRule.value)
    )
    return [RoleRule(RuleKind(r.kind), r.value, Role(r.role)) for r in rows]


async def replace_settings(
    session: AsyncSession,
    *,
    tenant_id: str,
    domains: list[str],
    rules: list[RoleRule],
) -> None:
    """Sign-in on with exactly these domains (lower-cased) and role rules."""
    wanted = {d.strip().lower() for d in domains}
    await session.execute(
        delete(models.SsoDomain).where(
            models.SsoDomain.tenant_id == tenant_id,
            models.SsoDomain.domain.not_in(wanted),
        )
    )
    await session.execute(
        delete(models.SsoRoleRule).where(models.SsoRoleRule.tenant_id == tenant_id)
    )
    await session.flush()
    await enable_sso(session, tenant_id=tenant_id, domains=sorted(wanted))
    for rule in rules:
        await set_rule(session, tenant_id=tenant_id, rule=rule)
