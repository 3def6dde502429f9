"""Who may manage which admin accounts, and the changes that are refused.

- A superadmin manages every account. A tenant's admin manages the admins
  and readers of that tenant only: other tenants' accounts and superadmins
  do not exist for them (NOT_FOUND), and they cannot make anyone a superadmin
  (FORBIDDEN). Readers and door displays manage nothing (FORBIDDEN).
- An account is a superadmin (no tenant), or an ADMIN or READER of one tenant.
- No change may leave a tenant that has an admin without one, or the
  deployment without a superadmin (CONFLICT): nobody could manage it again
  from the admin UI.

    >>> AccountRef("a1", Role.ADMIN, "t1").is_admin_of("t1")
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from transom.domain.access import Role, Viewer
from transom.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

ACCOUNT_ROLES = (Role.SUPERADMIN, Role.ADMIN, Role.READER)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SignInMethod(StrEnum):
    PASSWORD = "PASSWORD"
    MICROSOFT = "MICROSOFT"


@dataclass(frozen=True)
class AccountRef:
    """An admin account as the rules see it."""

    id: str
    role: Role
    tenant_id: str | None

    def is_admin_of(self, tenant_id: str | None) -> bool:
        return self.role is Role.ADMIN and self.tenant_id == tenant_id


def check_manages_admins(viewer: Viewer) -> None:
    """Only superadmins and tenant admins see or change admin accounts."""
    if viewer.role not in (Role.SUPERADMIN, Role.ADMIN) or viewer.room_id:
        raise PermissionDeniedError(
            "managing admins needs an admin: readers and displays cannot"
        )


def check_sees(viewer: Viewer, account: AccountRef) -> None:
    """Another tenant's account, or a superadmin, is not found for a tenant admin."""
    check_manages_admins(viewer)
    if viewer.is_superadmin:
        return
    if account.tenant_id is None or account.tenant_id != viewer.tenant_id:
        raise NotFoundError.of("Admin", account.id)


def check_email(email: str) -> str:
    """The address trimmed, or BAD_USER_INPUT on ``email``."""
    trimmed = email.strip()
    if not _EMAIL.match(trimmed):
        raise InvalidInputError(
            f"{trimmed!r} is not an e-mail address (name@example.com)", field="email"
        )
    return trimmed


def target_of(
    viewer: Viewer, role: Role, tenant_id: str | None, current: str | None = None
) -> str | None:
    """The tenant an account with ``role`` will belong to (None: superadmin).

    ``tenant_id`` omitted means ``current`` (the account's tenant), else the
    viewer's own. Raises when the role or tenant is not one the viewer may give.
    """
    if role not in ACCOUNT_ROLES:
        raise InvalidInputError(
            "an admin account is SUPERADMIN, ADMIN or READER", field="role"
        )
    if role is Role.SUPERADMIN:
        if not viewer.is_superadmin:
            raise PermissionDeniedError("only a superadmin can make a superadmin")
        if tenant_id is not None:
            raise InvalidInputError(
                "a superadmin belongs to no tenant: leave the tenant out",
                field="tenantId",
            )
        return None
    chosen = tenant_id or current or viewer.tenant_id
    if chosen is None:
        raise InvalidInputError(
            f"say which tenant the {role.value.lower()} belongs to", field="tenantId"
        )
    if not viewer.can_see_tenant(chosen):
        raise NotFoundError.of("Tenant", chosen)
    return chosen


def check_leaves_someone_in_charge(
    account: AccountRef,
    after: AccountRef | None,
    *,
    other_admins: int,
    other_superadmins: int,
) -> None:
    """Refuse a change (``after`` None: removal) that takes the tenant's last
    admin or the last superadmin away."""
    stays_admin = after is not None and after.is_admin_of(account.tenant_id)
    if account.is_admin_of(account.tenant_id) and not other_admins and not stays_admin:
        raise ConflictError(
            "this is the tenant's last admin: make another account an admin "
            "first, or nobody could manage the tenant"
        )
    stays_super = after is not None and after.role is Role.SUPERADMIN
    if account.role is Role.SUPERADMIN and not other_superadmins and not stays_super:
        raise ConflictError(
            "this is the last superadmin: make another superadmin first"
        )


def sign_in_methods(*, has_password: bool, has_microsoft: bool) -> list[SignInMethod]:
    methods = []
    if has_password:
        methods.append(SignInMethod.PASSWORD)
    if has_microsoft:
        methods.append(SignInMethod.MICROSOFT)
    return methods
