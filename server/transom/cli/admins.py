"""Admin accounts from the command line (`transom admin ...`) and for the demo."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from transom.admin_auth.accounts import (
    NewAccount,
    create_admin_account,
    set_admin_password,
)
from transom.db import admins as admin_repo
from transom.db.engine import create_engine, create_sessions
from transom.db.migrate import upgrade_to_head
from transom.settings import Settings

DEMO_ADMIN_EMAIL = "admin@contoso.example"

T = TypeVar("T")


async def create_admin_for_cli(
    settings: Settings, email: str, tenant_id: str | None, password: str | None
) -> NewAccount:
    """Create an admin; AccountError (a ValueError) on bad arguments."""

    async def create(session: AsyncSession) -> NewAccount:
        return await create_admin_account(
            session, email=email, tenant_id=tenant_id, password=password
        )

    return await _in_session(settings, create)


async def set_password_for_cli(
    settings: Settings, email: str, password: str | None
) -> NewAccount:
    async def reset(session: AsyncSession) -> NewAccount:
        return await set_admin_password(session, email=email, password=password)

    return await _in_session(settings, reset)


async def ensure_demo_admin(settings: Settings) -> str:
    """The demo's superadmin, with a fresh password each start (only hashes
    are kept, so the banner can show it only by setting it)."""

    async def ensure(session: AsyncSession) -> NewAccount:
        if await admin_repo.find_admin_by_email(session, email=DEMO_ADMIN_EMAIL):
            return await set_admin_password(session, email=DEMO_ADMIN_EMAIL)
        return await create_admin_account(
            session, email=DEMO_ADMIN_EMAIL, tenant_id=None
        )

    return (await _in_session(settings, ensure)).password


async def _in_session(
    settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with create_sessions(engine)() as session:
            result = await work(session)
            await session.commit()
    finally:
        await engine.dispose()
    return result
