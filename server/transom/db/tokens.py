"""API tokens: created once, stored as a hash, looked up by hash."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.access import Role
from transom.security import hash_token, new_api_token


async def create_token(
    session: AsyncSession, *, tenant_id: str | None, role: Role, name: str | None = None
) -> tuple[models.ApiToken, str]:
    """Store a new token; the plaintext is returned once and never kept."""
    plaintext = new_api_token()
    row = models.ApiToken(
        tenant_id=tenant_id,
        role=role.value,
        token_hash=hash_token(plaintext),
        name=name,
    )
    session.add(row)
    await session.flush()
    return row, plaintext


async def find_token(session: AsyncSession, *, token: str) -> models.ApiToken | None:
    row = await session.scalar(
        select(models.ApiToken).where(models.ApiToken.token_hash == hash_token(token))
    )
    if row is None or row.revoked_at is not None:
        return None
    return row


async def ensure_bootstrap_token(session: AsyncSession, *, token: str) -> None:
    """Make ``token`` a superadmin token (TRANSOM_BOOTSTRAP_TOKEN)."""
    digest = hash_token(token)
    existing = await session.scalar(
        select(models.ApiToken).where(models.ApiToken.token_hash == digest)
    )
    if existing is None:
        session.add(
            models.ApiToken(
                tenant_id=None,
                role=Role.SUPERADMIN.value,
                token_hash=digest,
                name="bootstrap",
            )
        )
