"""Admin accounts as the API shows them, and the ``admins`` list.

Who sees which account: :mod:`transom.domain.admin_accounts`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from transom.admin_auth.entra_accounts import NO_PASSWORD
from transom.admin_auth.lockout import AttemptState, is_locked
from transom.admin_auth.sessions import role_of, session_of_credential
from transom.api.context import Info
from transom.api.enums import Role, SignInMethod
from transom.api.node import Node
from transom.api.scope import tenant_scope
from transom.api.tenants.types import Tenant, visible_tenant
from transom.db import admins as admin_repo
from transom.db import models
from transom.domain import admin_accounts as rules
from transom.domain.access import Viewer
from transom.domain.errors import NotFoundError


@strawberry.type(
    description="A person who signs in to the admin UI: a superadmin, or an "
    "admin or reader of one tenant."
)
class Admin(Node):
    id: strawberry.ID = strawberry.field(description="The account's id.")
    email: str = strawberry.field(description="The e-mail address it signs in with.")
    role: Role = strawberry.field(
        description="SUPERADMIN (every tenant), ADMIN or READER (of its tenant)."
    )
    tenant_id: strawberry.ID | None = strawberry.field(
        description="Its tenant; null for a superadmin."
    )
    sign_in_methods: list[SignInMethod] = strawberry.field(
        description="How it signs in: PASSWORD, MICROSOFT, or both."
    )
    last_sign_in_at: datetime | None = strawberry.field(
        description="Its last successful sign-in (UTC); null: never."
    )
    locked_until: datetime | None = strawberry.field(
        description="Locked out after repeated wrong passwords until then (UTC); "
        "null when not locked now. unlockAdmin lifts it."
    )
    failed_sign_ins: int = strawberry.field(
        description="Wrong passwords in a row since the last success (5 lock it)."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    is_you: bool = strawberry.field(
        description="True for the account you are signed in as (in `admins` and "
        "mutation answers; always false through `node`)."
    )

    @classmethod
    def from_model(
        cls, row: models.AdminUser, now: datetime, you: str | None = None
    ) -> Admin:
        state = AttemptState(row.failed_attempts, row.locked_until)
        return cls(
            id=strawberry.ID(row.id),
            email=row.email,
            role=Role(role_of(row).value),
            tenant_id=strawberry.ID(row.tenant_id) if row.tenant_id else None,
            sign_in_methods=rules.sign_in_methods(
                has_password=row.password_hash != NO_PASSWORD,
                has_microsoft=row.entra_object_id is not None,
            ),
            last_sign_in_at=row.last_sign_in_at,
            locked_until=row.locked_until if is_locked(state, now) else None,
            failed_sign_ins=row.failed_attempts,
            created_at=row.created_at,
            is_you=row.id == you,
        )

    @strawberry.field(description="Its tenant; null for a superadmin.")
    async def tenant(self, info: Info) -> Tenant | None:
        if self.tenant_id is None:
            return None
        return Tenant.from_model(await visible_tenant(info, self.tenant_id))


def account_ref(row: models.AdminUser) -> rules.AccountRef:
    return rules.AccountRef(row.id, role_of(row), row.tenant_id)


async def your_account_id(info: Info, viewer: Viewer) -> str | None:
    """The admin account behind the caller's browser session (None: a token)."""
    session_id = session_of_credential(viewer.token_id)
    if session_id is None:
        return None
    async with info.context.db() as session:
        return await admin_repo.admin_id_of_session(session, session_id=session_id)


async def visible_admin(info: Info, admin_id: str) -> models.AdminUser:
    """An account the caller may manage; otherwise NOT_FOUND (or FORBIDDEN for
    readers and displays)."""
    viewer = await info.context.viewer()
    rules.check_manages_admins(viewer)
    async with info.context.db() as session:
        row = await admin_repo.get_admin(session, admin_id=admin_id)
    if row is None:
        raise NotFoundError.of("Admin", admin_id)
    rules.check_sees(viewer, account_ref(row))
    return row


@strawberry.type
class AdminQueries:
    @strawberry.field(
        description="Admin accounts you may manage, by e-mail (superadmins and "
        "tenant admins; readers are FORBIDDEN). A tenant admin sees the admins "
        "and readers of their tenant."
    )
    async def admins(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant's accounts: superadmins may pick any; "
                "others may give only their own. Omitted: your tenant (every "
                "tenant for a superadmin)."
            ),
        ] = None,
        include_superadmins: Annotated[
            bool,
            strawberry.argument(
                description="Also list the superadmins (only superadmins see them; "
                "ignored for others)."
            ),
        ] = False,
    ) -> list[Admin] | None:
        viewer = await info.context.viewer()
        rules.check_manages_admins(viewer)
        scope = tenant_scope(viewer, tenant_id)
        you = await your_account_id(info, viewer)
        async with info.context.db() as session:
            rows = await admin_repo.list_admins(
                session,
                tenant_id=scope,
                include_superadmins=include_superadmins and viewer.is_superadmin,
            )
        now = info.context.now
        return [Admin.from_model(row, now, you) for row in rows]
