"""Who may do what: roles and the viewer a request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from transom.domain.errors import NotFoundError, PermissionDeniedError


class Role(StrEnum):
    SUPERADMIN = "SUPERADMIN"
    ADMIN = "ADMIN"
    READER = "READER"
    DISPLAY = "DISPLAY"


# What a tenant's API token may be: an HR system writing absences is an ADMIN,
# a dashboard reading rooms a READER.
TOKEN_ROLES = (Role.ADMIN, Role.READER)
# A token's last use is noted at most this often (one write a minute, not one
# per request).
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def needs_use_noted(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOKEN_USE_RESOLUTION


@dataclass(frozen=True)
class Viewer:
    """An authenticated caller. ``tenant_id`` is None only for superadmins;
    ``room_id`` is set only for door displays, which see that one room;
    ``building`` (and perhaps ``floor``) only for lobby displays, which see
    that building's rooms through the building operations and nothing else."""

    token_id: str
    role: Role
    tenant_id: str | None
    room_id: str | None = None
    building: str | None = None
    floor: str | None = None

    @property
    def is_display(self) -> bool:
        """A device token: a door display or a lobby display."""
        return self.role is Role.DISPLAY

    @property
    def is_lobby(self) -> bool:
        return self.role is Role.DISPLAY and self.building is not None

    def sees_room(self, room_id: str) -> bool:
        """Whether a room operation may name this room (tenant aside): a door
        display only its own; a lobby display none (it has building ones)."""
        return not self.is_display or self.room_id == room_id

    @property
    def is_superadmin(self) -> bool:
        return self.role is Role.SUPERADMIN

    def can_see_tenant(self, tenant_id: str) -> bool:
        return self.is_superadmin or self.tenant_id == tenant_id

    def check_tenant(self, tenant_id: str, kind: str, ident: str) -> None:
        """Another tenant's object is reported as not found, never as forbidden."""
        if not self.can_see_tenant(tenant_id):
            raise NotFoundError.of(kind, ident)

    def require_admin(self) -> None:
        if self.role not in (Role.SUPERADMIN, Role.ADMIN):
            raise PermissionDeniedError("this needs an admin token")

    def require_superadmin(self) -> None:
        if not self.is_superadmin:
            raise PermissionDeniedError("this needs a superadmin token")
