"""Signing in, finding the admin behind a session cookie, signing out.

A session lasts :data:`SESSION_LIFETIME` from sign-in (absolute, not sliding),
so a stolen cookie stops working within a working day.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from transom.admin_auth.lockout import (
    AttemptState,
    after_failure,
    after_success,
    is_locked,
    locked_message,
)
from transom.admin_auth.messages import Message
from transom.admin_auth.passwords import verify_password_async
from transom.db import admins as admin_repo
from transom.db import models
from transom.domain.access import Role, Viewer
from transom.security import hash_token

SESSION_LIFETIME = timedelta(hours=12)
WRONG_CREDENTIALS = Message("The email or password is wrong.")


@dataclass(frozen=True)
class SignedIn:
    """An admin signed in through a browser session."""

    viewer: Viewer
    email: str
    csrf_token: str
    expires_at: datetime
    admin_id: str
    language: str | None = None
    """The admin UI's language the admin chose; None: the browser's."""


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class SignInRefused:
    message: Message
    locked: bool = False


async def sign_in(
    session: AsyncSession, *, email: str, password: str, now: datetime
) -> NewSession | SignInRefused:
    """Check the password, count failures and lock, or open a session.

    The caller commits: failures are recorded as well as successes.
    """
    admin = await admin_repo.find_admin_by_email(session, email=email)
    if admin is None:
        await verify_password_async(None, password)
        return SignInRefused(WRONG_CREDENTIALS)
    state = AttemptState(admin.failed_attempts, admin.locked_until)
    if is_locked(state, now):
        return SignInRefused(locked_message(state, now), locked=True)
    if not await verify_password_async(admin.password_hash, password):
        return _record_failure(admin, state, now)
    _apply(admin, after_success())
    admin.last_sign_in_at = now
    return await open_session(session, admin, now)


def _record_failure(
    admin: models.AdminUser, state: AttemptState, now: datetime
) -> SignInRefused:
    new_state = after_failure(state, now)
    _apply(admin, new_state)
    if is_locked(new_state, now):
        return SignInRefused(locked_message(new_state, now), locked=True)
    return SignInRefused(WRONG_CREDENTIALS)


def _apply(admin: models.AdminUser, state: AttemptState) -> None:
    admin.failed_attempts = state.failed_attempts
    admin.locked_until = state.locked_until


async def open_session(
    session: AsyncSession, admin: models.AdminUser, now: datetime
) -> NewSession:
    token = secrets.token_urlsafe(32)
    new = NewSession(
        token=token,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now + SESSION_LIFETIME,
    )
    await admin_repo.delete_expired_sessions(session, now=now)
    await admin_repo.create_admin_session(
        session,
        admin_user_id=admin.id,
        token_hash=hash_token(token),
        csrf_token=new.csrf_token,
        expires_at=new.expires_at,
    )
    return new


async def find_signed_in(
    session: AsyncSession, *, token: str, now: datetime
) -> SignedIn | None:
    """The admin behind a session cookie, or None when unknown or expired."""
    found = await admin_repo.find_admin_session(session, token_hash=hash_token(token))
    if found is None:
        return None
    row, admin = found
    if now >= row.expires_at:
        return None
    role = role_of(admin)
    viewer = Viewer(
        token_id=session_credential(row.id), role=role, tenant_id=admin.tenant_id
    )
    return SignedIn(
        viewer=viewer,
        email=admin.email,
        csrf_token=row.csrf_token,
        expires_at=row.expires_at,
        admin_id=admin.id,
        language=admin.language,
    )


def session_credential(session_id: str) -> str:
    """The ``Viewer.token_id`` of a browser session (its access channel's key)."""
    return f"admin-session:{session_id}"


def session_of_credential(credential: str) -> str | None:
    """The session id behind a ``Viewer.token_id``; None for other credentials."""
    prefix = session_credential("")
    return credential[len(prefix) :] if credential.startswith(prefix) else None


def role_of(admin: models.AdminUser) -> Role:
    """SUPERADMIN without a tenant; else the stored role (READER after a
    Microsoft sign-in mapped to it), ADMIN by default."""
    if admin.tenant_id is None:
        return Role.SUPERADMIN
    return Role.READER if admin.role == Role.READER.value else Role.ADMIN


async def sign_out(session: AsyncSession, *, token: str) -> None:
    await admin_repo.delete_admin_session(session, token_hash=hash_token(token))
