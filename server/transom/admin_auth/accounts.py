"""Creating admin accounts, resetting their passwords and changing their role
(the CLI and the demo).

An admin with a tenant administers that tenant; one without is a superadmin.
Changes that end or alter an admin's sessions return those sessions'
credentials (``Viewer.token_id``), for the caller to publish on their access
channels once committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from transom.admin_auth.passwords import (
    WeakPasswordError,
    hash_password_async,
    new_password,
)
from transom.admin_auth.sessions import role_of, session_credential
from transom.db import admins as admin_repo
from transom.db import models
from transom.db import tenants as tenant_repo
from transom.domain.access import Role

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """The account cannot be created or changed as asked; the message says why."""


@dataclass(frozen=True)
class NewAccount:
    admin: models.AdminUser
    password: str
    generated: bool
    ended_sessions: tuple[str, ...] = field(default=())
    """Credentials of the sessions the change ended."""


@dataclass(frozen=True)
class RoleChange:
    admin: models.AdminUser
    changed: bool
    sessions: tuple[str, ...]
    """Credentials of the admin's sessions, whose rights changed."""


async def create_admin_account(
    session: AsyncSession,
    *,
    email: str,
    tenant_id: str | None,
    password: str | None = None,
    reader: bool = False,
) -> NewAccount:
    """Add an admin (a reader of its tenant when ``reader``); a password is
    generated when none is given. The caller commits."""
    if not _EMAIL.match(email.strip()):
        raise AccountError(f"{email!r} is not an email address")
    if await admin_repo.find_admin_by_email(session, email=email) is not None:
        raise AccountError(
            f"an admin {email!r} exists already: use `transom admin set-password`"
        )
    if (
        tenant_id is not None
        and await tenant_repo.get_tenant(session, tenant_id=tenant_id) is None
    ):
        raise AccountError(f"there is no tenant {tenant_id!r}")
    chosen = password if password is not None else new_password()
    admin = await admin_repo.create_admin(
        session,
        email=email,
        password_hash=await _hash(chosen),
        tenant_id=tenant_id,
    )
    if reader and tenant_id is not None:
        admin.role = Role.READER.value
    return NewAccount(admin=admin, password=chosen, generated=password is None)


async def set_admin_password(
    session: AsyncSession, *, email: str, password: str | None = None
) -> NewAccount:
    """Replace the password, lift a lockout and end the admin's sessions."""
    admin = await admin_repo.find_admin_by_email(session, email=email)
    if admin is None:
        raise AccountError(f"there is no admin {email!r}")
    chosen = password if password is not None else new_password()
    admin.password_hash = await _hash(chosen)
    admin.failed_attempts = 0
    admin.locked_until = None
    ended = await admin_repo.delete_sessions_of(session, admin_user_id=admin.id)
    return NewAccount(
        admin=admin,
        password=chosen,
        generated=password is None,
        ended_sessions=tuple(session_credential(s) for s in ended),
    )


async def set_admin_role(
    session: AsyncSession, *, email: str, tenant_id: str | None
) -> RoleChange:
    """Make the admin a superadmin (``tenant_id`` None) or the admin of one
    tenant. Sessions stay signed in with the new rights. The caller commits."""
    admin = await admin_repo.find_admin_by_email(session, email=email)
    if admin is None:
        raise AccountError(f"there is no admin {email!r}")
    if (
        tenant_id is not None
        and await tenant_repo.get_tenant(session, tenant_id=tenant_id) is None
    ):
        raise AccountError(f"there is no tenant {tenant_id!r}")
    changed = admin.tenant_id != tenant_id or admin.role not in (None, "ADMIN")
    admin.tenant_id = tenant_id
    admin.role = None  # a full admin of its tenant (or a superadmin), not a reader
    ids = await admin_repo.session_ids_of(session, admin_user_id=admin.id)
    return RoleChange(admin, changed, tuple(session_credential(i) for i in ids))


async def change_account_role(
    session: AsyncSession,
    admin: models.AdminUser,
    *,
    role: Role,
    tenant_id: str | None,
) -> RoleChange:
    """Make the account a superadmin (``tenant_id`` None), or an ADMIN or
    READER of ``tenant_id``. Sessions stay signed in with the new rights. The
    caller checks the rules and commits."""
    changed = role_of(admin) is not role or admin.tenant_id != tenant_id
    admin.tenant_id = tenant_id
    admin.role = Role.READER.value if role is Role.READER else None
    ids = await admin_repo.session_ids_of(session, admin_user_id=admin.id)
    return RoleChange(admin, changed, tuple(session_credential(i) for i in ids))


async def _hash(password: str) -> str:
    try:
        return await hash_password_async(password)
    except WeakPasswordError as exc:
        raise AccountError(str(exc)) from exc
