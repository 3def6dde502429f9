"""API tokens from the command line: create, list, revoke, set-role.

Revoking a token or changing its role is published on the event bus after the
commit (:mod:`transom.cli.access_events`), so open websockets of the token are
closed within a second in every server process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from transom.cli.access_events import publish_access_changed
from transom.cli.admins import in_session
from transom.db import models
from transom.db import tenants as tenant_repo
from transom.db import tokens as token_repo
from transom.domain.access import Role
from transom.settings import Settings

TENANT_ROLES = ("admin", "reader")


@dataclass(frozen=True)
class TokenChange:
    token_id: str
    name: str | None
    role: str
    changed: bool
    told: bool
    """Whether running servers were told over the event bus."""


async def create_token_for_cli(
    settings: Settings, tenant_id: str | None, role_name: str, name: str | None
) -> str:
    """Create a token and return its plaintext; ValueError on bad arguments."""
    role = Role(role_name.upper())
    if role is Role.SUPERADMIN and tenant_id:
        raise ValueError("a superadmin token belongs to no tenant: drop --tenant")
    if role is not Role.SUPERADMIN and not tenant_id:
        raise ValueError(f"a {role_name} token needs --tenant <id>")

    async def create(session: AsyncSession) -> str:
        if (
            tenant_id
            and await tenant_repo.get_tenant(session, tenant_id=tenant_id) is None
        ):
            raise ValueError(f"no tenant with id {tenant_id!r}")
        _, plaintext = await token_repo.create_token(
            session, tenant_id=tenant_id, role=role, name=name or "cli"
        )
        return plaintext

    return await in_session(settings, create)


async def list_tokens_for_cli(settings: Settings, tenant_id: str | None) -> list[str]:
    """One line per token (never its secret: only its hash is kept)."""

    async def listed(session: AsyncSession) -> list[str]:
        rows = await token_repo.list_tokens(session, tenant_id=tenant_id)
        return [_line(row) for row in rows]

    return await in_session(settings, listed)


async def revoke_token_for_cli(settings: Settings, token_id: str) -> TokenChange:
    """Revoke the token by id; ValueError when there is none."""

    async def revoke(session: AsyncSession) -> TokenChange:
        row = await token_repo.get_token(session, token_id=token_id)
        if row is None:
            raise ValueError(f"no token with id {token_id!r}: see `transom token list`")
        fresh = row.revoked_at is None
        await token_repo.revoke_token(session, token_id=token_id, now=datetime.now(UTC))
        return TokenChange(row.id, row.name, row.role, fresh, False)

    change = await in_session(settings, revoke)
    told = await publish_access_changed(settings, [change.token_id], "revoked")
    return TokenChange(change.token_id, change.name, change.role, change.changed, told)


async def set_token_role_for_cli(
    settings: Settings, token_id: str, role_name: str
) -> TokenChange:
    """Give a tenant's token another role (admin or reader); ValueError otherwise."""
    role = Role(role_name.upper())

    async def change(session: AsyncSession) -> TokenChange:
        row = await token_repo.get_token(session, token_id=token_id)
        if row is None:
            raise ValueError(f"no token with id {token_id!r}: see `transom token list`")
        if row.revoked_at is not None:
            raise ValueError(f"token {token_id} is revoked: create a new one")
        if row.tenant_id is None:
            raise ValueError(
                "a superadmin token belongs to no tenant and keeps its role: "
                "revoke it and create a tenant token instead"
            )
        changed = row.role != role.value
        row.role = role.value
        return TokenChange(row.id, row.name, row.role, changed, False)

    found = await in_session(settings, change)
    changed = [found.token_id] if found.changed else []
    told = await publish_access_changed(settings, changed, "role-changed")
    return TokenChange(found.token_id, found.name, found.role, found.changed, told)


def _line(row: models.ApiToken) -> str:
    state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
    return (
        f"{row.id}  {row.role.lower():<10}  tenant {row.tenant_id or '-'}  "
        f"{row.name or '-'!r}  created {row.created_at:%Y-%m-%d %H:%M}  {state}"
    )
