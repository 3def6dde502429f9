"""Admin accounts from the command line (`transom admin ...`) and for the demo.

Ending or changing an admin's sessions is published on the event bus after the
commit, so their open websockets are re-checked at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from transom.admin_auth.accounts import (
    NewAccount,
    RoleChange,
    create_admin_account,
    set_admin_password,
    set_admin_role,
)
from transom.admin_auth.passwords import verify_password_async
from transom.cli.access_events import publish_access_changed
from transom.cli.demo_state import load_demo_state, save_demo_state
from transom.db import admins as admin_repo
from transom.db.engine import create_engine, create_sessions, dispose_engine
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

    return await in_session(settings, create)


async def set_password_for_cli(
    settings: Settings, email: str, password: str | None
) -> tuple[NewAccount, bool]:
    """Set the password and end the admin's sessions; whether running servers
    were told over the bus."""

    async def reset(session: AsyncSession) -> NewAccount:
        return await set_admin_password(session, email=email, password=password)

    account = await in_session(settings, reset)
    told = await publish_access_changed(settings, account.ended_sessions, "signed-out")
    return account, told


async def set_role_for_cli(
    settings: Settings, email: str, role_name: str, tenant_id: str | None
) -> tuple[RoleChange, bool]:
    """``role_name`` superadmin (no tenant) or admin (of ``tenant_id``);
    ValueError on bad arguments."""
    if role_name == "superadmin" and tenant_id:
        raise ValueError("a superadmin belongs to no tenant: drop --tenant")
    if role_name == "admin" and not tenant_id:
        raise ValueError("an admin needs --tenant <id>")

    async def change(session: AsyncSession) -> RoleChange:
        return await set_admin_role(session, email=email, tenant_id=tenant_id)

    result = await in_session(settings, change)
    sessions = result.sessions if result.changed else ()
    return result, await publish_access_changed(settings, sessions, "role-changed")


async def ensure_demo_admin(settings: Settings) -> str:
    """The demo's superadmin and its password. A restart on the same data keeps
    the password the last run printed (``demo.json``), so nobody is signed out;
    a new one is set only when that one is gone or no longer valid."""
    kept = load_demo_state(settings.data_dir)

    async def ensure(session: AsyncSession) -> str:
        admin = await admin_repo.find_admin_by_email(session, email=DEMO_ADMIN_EMAIL)
        if admin is None:
            account = await create_admin_account(
                session, email=DEMO_ADMIN_EMAIL, tenant_id=None
            )
            return account.password
        if kept.admin_password is not None and await verify_password_async(
            admin.password_hash, kept.admin_password
        ):
            return kept.admin_password
        return (await set_admin_password(session, email=DEMO_ADMIN_EMAIL)).password

    password = await in_session(settings, ensure)
    save_demo_state(settings.data_dir, replace(kept, admin_password=password))
    return password


async def in_session(
    settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with create_sessions(engine)() as session:
            result = await work(session)
            await session.commit()
    finally:
        await dispose_engine(engine)
    return result
