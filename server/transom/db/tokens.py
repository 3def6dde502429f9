"""API tokens: created once, stored as a hash, looked up by hash; listed,
revoked and given another role by id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.access import Role, needs_use_noted
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


async def note_used(
    session: AsyncSession, *, row: models.ApiToken, now: datetime
) -> None:
    """Note that the token authenticated a request (at most once a minute); commits."""
    if needs_use_noted(row.last_used_at, now):
        await session.execute(
            update(models.ApiToken)
            .where(models.ApiToken.id == row.id)
            .values(last_used_at=now)
        )
        await session.commit()


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


async def list_tokens(
    session: AsyncSession, *, tenant_id: str | None = None
) -> Sequence[models.ApiToken]:
    """Every token (of one tenant, when given), oldest first, revoked ones too."""
    query = select(models.ApiToken).order_by(
        models.ApiToken.created_at, models.ApiToken.id
    )
    if tenant_id is not None:
        query = query.where(models.ApiToken.tenant_id == tenant_id)
    return (await session.scalars(query)).all()


async def get_token(session: AsyncSession, *, token_id: str) -> models.ApiToken | None:
    return await session.get(models.ApiToken, token_id)


async def revoke_token(
    session: AsyncSession, *, token_id: str, now: datetime
) -> models.ApiToken | None:
    """Mark the token revoked (kept for the record); None when unknown."""
    row = await get_token(session, token_id=token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    return row
