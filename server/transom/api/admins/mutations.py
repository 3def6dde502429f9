"""Managing admin accounts: create, change role, reset password, unlock, remove.

A change that ends an account's sessions (reset, removal) or alters their
rights (role) is announced on the event bus once committed
(``announce_access_changed`` of :mod:`transom.api.transport.socket_access`): every
process closes that account's open websockets within a second, and its next
request is refused or runs with the new role. The tenant's admin pages hear
of every change on the tenant channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from transom.admin_auth.accounts import (
    AccountError,
    change_account_role,
    create_admin_account,
    set_admin_password,
)
from transom.admin_auth.sessions import session_credential
from transom.api.admins.types import (
    Admin,
    account_ref,
    visible_admin,
    your_account_id,
)
from transom.api.context import Info
from transom.api.enums import Role
from transom.api.payloads import Payload, UserErrors
from transom.api.transport.socket_access import announce_access_changed
from transom.db import admins as admin_repo
from transom.db import models
from transom.db import tenants as tenant_repo
from transom.domain import admin_accounts as rules
from transom.domain.errors import ConflictError, InvalidInputError, NotFoundError
from transom.pubsub import tenant_channel

ID_ARGUMENT = strawberry.argument(description="The admin account's id.")


@strawberry.input(description="A new admin account.")
class CreateAdminInput:
    email: str = strawberry.field(
        description="The e-mail address it signs in with (unique; at most 320 "
        "characters)."
    )
    role: Role = strawberry.field(
        description="ADMIN or READER of a tenant; SUPERADMIN (superadmins only)."
    )
    tenant_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Its tenant (ADMIN, READER); omitted: yours. Leave it out "
        "for a SUPERADMIN.",
    )


@strawberry.type(description="What createAdmin answers.")
class CreateAdminPayload(Payload):
    admin: Admin | None = strawberry.field(
        default=None, description="The new account; null when refused."
    )
    one_time_password: str | None = strawberry.field(
        default=None,
        description="Its generated password, shown this once (only its hash is "
        "kept): hand it over safely. Null when refused.",
    )


@strawberry.type(description="What changeAdminRole answers.")
class ChangeAdminRolePayload(Payload):
    admin: Admin | None = strawberry.field(
        default=None, description="The account with its new role; null when refused."
    )


@strawberry.type(description="What resetAdminPassword answers.")
class ResetAdminPasswordPayload(Payload):
    admin: Admin | None = strawberry.field(
        default=None, description="The account; null when refused."
    )
    one_time_password: str | None = strawberry.field(
        default=None,
        description="The new password, shown this once; the old one no longer "
        "works. Null when refused.",
    )


@strawberry.type(description="What unlockAdmin answers.")
class UnlockAdminPayload(Payload):
    admin: Admin | None = strawberry.field(
        default=None, description="The unlocked account; null when refused."
    )


@strawberry.type(description="What removeAdmin answers.")
class RemoveAdminPayload(Payload):
    removed_admin_id: strawberry.ID | None = strawberry.field(
        default=None, description="The removed account's id; null when refused."
    )


@strawberry.type
class AdminMutations:
    @strawberry.mutation(
        description="Create an admin account with a generated one-time password "
        "(shown once in the answer). Tenant admins create admins and readers of "
        "their own tenant; superadmins any account."
    )
    async def create_admin(
        self,
        info: Info,
        input: Annotated[
            CreateAdminInput, strawberry.argument(description="The new account.")
        ],
    ) -> CreateAdminPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            rules.check_manages_admins(viewer)
            email = rules.check_email(input.email)
            tenant_id = rules.target_of(viewer, input.role, input.tenant_id)
            async with info.context.db() as session:
                await _check_tenant(session, tenant_id)
                if await admin_repo.find_admin_by_email(session, email=email):
                    raise ConflictError(f"an account {email} exists already")
                try:
                    account = await create_admin_account(
                        session,
                        email=email,
                        tenant_id=tenant_id,
                        reader=input.role is Role.READER,
                    )
                    await session.commit()
                except AccountError as exc:
                    raise InvalidInputError(str(exc), field="email") from exc
                except IntegrityError as exc:  # created meanwhile by someone else
                    raise ConflictError(f"an account {email} exists already") from exc
            await _tell_tenants(info, account.admin.tenant_id)
            return CreateAdminPayload(
                admin=await _shown(info, account.admin),
                one_time_password=account.password,
            )
        return errors.payload(CreateAdminPayload)

    @strawberry.mutation(
        description="Change an account's role. Its open pages keep their session "
        "with the new rights; its websockets close at once and reconnect with "
        "them. A tenant's last admin and the last superadmin cannot lose their role."
    )
    async def change_admin_role(
        self,
        info: Info,
        id: Annotated[strawberry.ID, ID_ARGUMENT],
        role: Annotated[
            Role,
            strawberry.argument(
                description="SUPERADMIN (superadmins only), ADMIN or READER."
            ),
        ],
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The tenant for ADMIN or READER; omitted: the "
                "account's own. Leave it out for SUPERADMIN."
            ),
        ] = None,
    ) -> ChangeAdminRolePayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            row = await visible_admin(info, id)
            target = rules.target_of(viewer, role, tenant_id, current=row.tenant_id)
            before = account_ref(row)
            async with info.context.db() as session:
                await _check_tenant(session, target)
                row = await _reload(session, id)
                after = rules.AccountRef(row.id, role, target)
                await _check_in_charge(session, before, after)
                change = await change_account_role(
                    session, row, role=role, tenant_id=target
                )
                await session.commit()
            if change.changed:
                bus = info.context.services.bus
                await announce_access_changed(bus, change.sessions, "role-changed")
            await _tell_tenants(info, before.tenant_id, target)
            return ChangeAdminRolePayload(admin=await _shown(info, row))
        return errors.payload(ChangeAdminRolePayload)

    @strawberry.mutation(
        description="Give the account a new generated password (shown once in the "
        "answer): the old one stops working, a lockout is lifted, and every "
        "session of the account ends at once (its open pages must sign in again)."
    )
    async def reset_admin_password(
        self, info: Info, id: Annotated[strawberry.ID, ID_ARGUMENT]
    ) -> ResetAdminPasswordPayload | None:
        with UserErrors(info) as errors:
            row = await visible_admin(info, id)
            async with info.context.db() as session:
                account = await set_admin_password(session, email=row.email)
                await session.commit()
            bus = info.context.services.bus
            await announce_access_changed(bus, account.ended_sessions, "signed-out")
            await _tell_tenants(info, row.tenant_id)
            return ResetAdminPasswordPayload(
                admin=await _shown(info, account.admin),
                one_time_password=account.password,
            )
        return errors.payload(ResetAdminPasswordPayload)

    @strawberry.mutation(
        description="Lift a lockout after repeated wrong passwords: the account "
        "may sign in with its password again at once."
    )
    async def unlock_admin(
        self, info: Info, id: Annotated[strawberry.ID, ID_ARGUMENT]
    ) -> UnlockAdminPayload | None:
        with UserErrors(info) as errors:
            await visible_admin(info, id)
            async with info.context.db() as session:
                row = await _reload(session, id)
                row.failed_attempts = 0
                row.locked_until = None
                await session.commit()
            await _tell_tenants(info, row.tenant_id)
            return UnlockAdminPayload(admin=await _shown(info, row))
        return errors.payload(UnlockAdminPayload)

    @strawberry.mutation(
        description="Remove an account: its sessions end and its websockets close "
        "at once. A tenant's last admin and the last superadmin cannot be removed."
    )
    async def remove_admin(
        self, info: Info, id: Annotated[strawberry.ID, ID_ARGUMENT]
    ) -> RemoveAdminPayload | None:
        with UserErrors(info) as errors:
            row = await visible_admin(info, id)
            async with info.context.db() as session:
                await _check_in_charge(session, account_ref(row), None)
                ended = await admin_repo.delete_admin(session, admin_id=row.id)
                await session.commit()
            credentials = (session_credential(s) for s in ended)
            bus = info.context.services.bus
            await announce_access_changed(bus, credentials, "signed-out")
            await _tell_tenants(info, row.tenant_id)
            return RemoveAdminPayload(removed_admin_id=strawberry.ID(row.id))
        return errors.payload(RemoveAdminPayload)


async def _check_tenant(session: AsyncSession, tenant_id: str | None) -> None:
    if tenant_id is None:
        return
    if await tenant_repo.get_tenant(session, tenant_id=tenant_id) is None:
        raise NotFoundError.of("Tenant", tenant_id)


async def _reload(session: AsyncSession, admin_id: str) -> models.AdminUser:
    row = await admin_repo.get_admin(session, admin_id=admin_id)
    if row is None:  # removed meanwhile
        raise NotFoundError.of("Admin", admin_id)
    return row


async def _check_in_charge(
    session: AsyncSession, before: rules.AccountRef, after: rules.AccountRef | None
) -> None:
    admins = 0
    if before.tenant_id is not None:
        admins = await admin_repo.count_other_admins(
            session, tenant_id=before.tenant_id, excluding=before.id
        )
    superadmins = await admin_repo.count_other_admins(
        session, tenant_id=None, excluding=before.id
    )
    rules.check_leaves_someone_in_charge(
        before, after, other_admins=admins, other_superadmins=superadmins
    )


async def _shown(info: Info, row: models.AdminUser) -> Admin:
    you = await your_account_id(info, await info.context.viewer())
    return Admin.from_model(row, info.context.now, you)


async def _tell_tenants(info: Info, *tenant_ids: str | None) -> None:
    """Admin pages of these tenants reload their lists."""
    bus = info.context.services.bus
    for tenant_id in _distinct(tenant_ids):
        await bus.publish(tenant_channel(tenant_id), {"type": "admin"})


def _distinct(tenant_ids: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(t for t in tenant_ids if t is not None))
