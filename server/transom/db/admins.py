"""Admin users of the web UI and their signed-in sessions.

Passwords arrive here already hashed and session tokens as SHA-256 digests: the
repository never sees a secret it could leak.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def create_admin(
    session: AsyncSession, *, email: str, password_hash: str, tenant_id: str | None
) -> models.AdminUser:
    row = models.AdminUser(
        email=normalise_email(email), password_hash=password_hash, tenant_id=tenant_id
    )
    session.add(row)
    await session.flush()
    return row


async def find_admin_by_email(
    session: AsyncSession, *, email: str
) -> models.AdminUser | None:
    return await session.scalar(
        select(models.AdminUser).where(models.AdminUser.email == normalise_email(email))
    )


async def create_admin_session(
    session: AsyncSession,
    *,
    admin_user_id: str,
    token_hash: str,
    csrf_token: str,
    expires_at: datetime,
) -> models.AdminSession:
    row = models.AdminSession(
        admin_user_id=admin_user_id,
        token_hash=token_hash,
        csrf_token=csrf_token,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return row


async def find_admin_session(
    session: AsyncSession, *, token_hash: str
) -> tuple[models.AdminSession, models.AdminUser] | None:
    found = (
        await session.execute(
            select(models.AdminSession, models.AdminUser)
            .join(
                models.AdminUser,
                models.AdminUser.id == models.AdminSession.admin_user_id,
            )
            .where(models.AdminSession.token_hash == token_hash)
        )
    ).first()
    return None if found is None else (found[0], found[1])


async def delete_admin_session(session: AsyncSession, *, token_hash: str) -> None:
    await session.execute(
        delete(models.AdminSession).where(models.AdminSession.token_hash == token_hash)
    )


async def delete_expired_sessions(session: AsyncSession, *, now: datetime) -> None:
    await session.execute(
        delete(models.AdminSession).where(models.AdminSession.expires_at <= now)
    )


async def session_ids_of(session: AsyncSession, *, admin_user_id: str) -> list[str]:
    found = await session.scalars(
        select(models.AdminSession.id).where(
            models.AdminSession.admin_user_id == admin_user_id
        )
    )
    return list(found)


async def delete_sessions_of(session: AsyncSession, *, admin_user_id: str) -> list[str]:
    """End every session of the admin; returns the ended sessions' ids."""
    ended = await session_ids_of(session, admin_user_id=admin_user_id)
    await session.execute(
        delete(models.AdminSession).where(
            models.AdminSession.admin_user_id == admin_user_id
        )
    )
    return ended


async def get_admin(session: AsyncSession, *, admin_id: str) -> models.AdminUser | None:
    return await session.get(models.AdminUser, admin_id)


async def list_admins(
    session: AsyncSession, *, tenant_id: str | None, include_superadmins: bool
) -> list[models.AdminUser]:
    """The admins of one tenant (``tenant_id`` None: of every tenant), by
    e-mail; with the superadmins when asked."""
    column = models.AdminUser.tenant_id
    of_tenants = column == tenant_id if tenant_id else column.is_not(None)
    where = or_(of_tenants, column.is_(None)) if include_superadmins else of_tenants
    found = await session.scalars(
        select(models.AdminUser).where(where).order_by(models.AdminUser.email)
    )
    return list(found)


async def count_other_admins(
    session: AsyncSession, *, tenant_id: str | None, excluding: str
) -> int:
    """Full admins of the tenant (superadmins when ``tenant_id`` is None)
    besides ``excluding``."""
    column = models.AdminUser.tenant_id
    where = [models.AdminUser.id != excluding]
    if tenant_id is None:
        where.append(column.is_(None))
    else:
        where.append(column == tenant_id)
        role = models.AdminUser.role
        where.append(or_(role.is_(None), role == "ADMIN"))
    counted = await session.scalar(
        select(func.count()).select_from(models.AdminUser).where(*where)
    )
    return int(counted or 0)


async def delete_admin(session: AsyncSession, *, admin_id: str) -> list[str]:
    """Remove the admin and its sessions; returns the ended sessions' ids."""
    ended = await delete_sessions_of(session, admin_user_id=admin_id)
    await session.execute(
        delete(models.AdminUser).where(models.AdminUser.id == admin_id)
    )
    return ended


async def admin_id_of_session(session: AsyncSession, *, session_id: str) -> str | None:
    return await session.scalar(
        select(models.AdminSession.admin_user_id).where(
            models.AdminSession.id == session_id
        )
    )
