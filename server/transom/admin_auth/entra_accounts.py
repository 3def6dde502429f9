"""From validated ID token claims to a signed-in session of a tenant's admin.

The claims are matched against the tenant's role rules; with a role, the
admin account linked to the Entra object id is found (or the local admin with
the same e-mail in the same tenant is linked, or a new account without a
password is made), its role is set from the rules, and a session opens like a
password sign-in's. Each refusal carries a message for the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.admin_auth.messages import Message
from transom.admin_auth.sessions import NewSession, open_session
from transom.db import admins as admin_repo
from transom.db import models
from transom.db import sso as sso_repo
from transom.domain.sign_in_roles import EntraIdentity, role_for

# Not an argon2 hash: a password never matches an account made by Microsoft sign-in.
NO_PASSWORD = "!entra"


@dataclass(frozen=True)
class Refusal:
    title: str
    message: Message


def identity_of(claims: dict[str, Any]) -> EntraIdentity:
    groups = claims.get("groups") or []
    roles = claims.get("roles") or []
    return EntraIdentity(
        object_id=str(claims["oid"]),
        username=str(claims.get("preferred_username") or claims.get("email") or ""),
        groups=tuple(str(g) for g in groups),
        roles=tuple(str(r) for r in roles),
    )


async def sign_in_with_entra(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    claims: dict[str, Any],
    now: datetime,
) -> NewSession | Refusal:
    """The caller commits."""
    who = identity_of(claims)
    if not who.username:
        return Refusal(
            "Your Microsoft account has no user name",
            Message(
                "The ID token carried no preferred_username, so Transom cannot tell "
                "who you are. Sign in with a work account of your organisation."
            ),
        )
    rules = await sso_repo.rules_of(session, tenant_id=tenant.id)
    role = role_for(rules, who)
    if role is None:
        return Refusal(
            "You have no role in Transom",
            Message(
                "You signed in to Microsoft as {account}, but that account has no "
                "Transom role for {tenant}. Ask your Transom administrator to give "
                "you (or a group you are in) the admin or reader role.",
                {"account": who.username or who.object_id, "tenant": tenant.name},
            ),
        )
    admin = await session.scalar(
        select(models.AdminUser).where(
            models.AdminUser.tenant_id == tenant.id,
            models.AdminUser.entra_object_id == who.object_id,
        )
    )
    if admin is None:
        admin = await admin_repo.find_admin_by_email(session, email=who.username)
        if admin is not None and admin.tenant_id != tenant.id:
            return Refusal(
                "This e-mail belongs to another account",
                Message(
                    "{account} is a Transom account of another organisation or an "
                    "operator's account: sign in with its password instead.",
                    {"account": who.username},
                ),
            )
    if admin is None:
        admin = await admin_repo.create_admin(
            session, email=who.username, password_hash=NO_PASSWORD, tenant_id=tenant.id
        )
    admin.entra_object_id = who.object_id
    admin.role = role.value
    admin.last_sign_in_at = now
    return await open_session(session, admin, now)
