"""``node`` and ``nodes``: any object by its global id, as its own field shows it.

An object is returned only where the single-object fields would return it
(same tenant, same rights); another tenant's id answers null exactly like an
id that does not exist, so existence never leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.api.admins.types import Admin, account_ref
from transom.api.bookings.types import Booking
from transom.api.context import Info
from transom.api.displays.admin import Display
from transom.api.node import Node
from transom.api.people.types import Absence, Person
from transom.api.rooms.types import Room
from transom.api.sync.outbox import OutboxItem
from transom.api.tenants.types import Tenant
from transom.api.tokens.admin import ApiToken
from transom.db import models
from transom.domain.access import Role, Viewer
from transom.domain.admin_accounts import check_sees
from transom.domain.errors import InvalidInputError, TransomError

MAX_NODES = 100

Visible = Callable[[Viewer, Any], bool]
Build = Callable[[Any, datetime], Node]


def _in_tenant(viewer: Viewer, tenant_id: str | None) -> bool:
    return tenant_id is not None and viewer.can_see_tenant(tenant_id)


def _not_a_display(viewer: Viewer, tenant_id: str | None) -> bool:
    return not viewer.is_display and _in_tenant(viewer, tenant_id)


def _admin(viewer: Viewer, tenant_id: str | None) -> bool:
    admins = (Role.ADMIN, Role.SUPERADMIN)
    return viewer.role in admins and _in_tenant(viewer, tenant_id)


def _admin_account_visible(viewer: Viewer, row: models.AdminUser) -> bool:
    try:
        check_sees(viewer, account_ref(row))
    except TransomError:
        return False
    return True


def _room_visible(viewer: Viewer, row: models.Room) -> bool:
    own_room = viewer.sees_room(row.id)
    return own_room and _in_tenant(viewer, row.tenant_id)


def _booking_visible(viewer: Viewer, row: models.Booking) -> bool:
    own_room = viewer.sees_room(row.room_id)
    return own_room and _in_tenant(viewer, row.tenant_id)


# Each kind of node: its table, who may see a row, and its GraphQL object.
KINDS: list[tuple[type[Any], Visible, Build]] = [
    (
        models.Tenant,
        lambda v, r: _in_tenant(v, r.id),
        lambda r, _: Tenant.from_model(r),
    ),
    (models.Room, _room_visible, lambda r, _: Room.from_model(r)),
    (models.Booking, _booking_visible, lambda r, _: Booking.from_model(r)),
    (
        models.Display,
        lambda v, r: _not_a_display(v, r.tenant_id),
        lambda r, now: Display.from_model(r, now),
    ),
    (
        models.Person,
        lambda v, r: _not_a_display(v, r.tenant_id),
        lambda r, _: Person.from_model(r),
    ),
    (
        models.Absence,
        lambda v, r: _not_a_display(v, r.tenant_id),
        lambda r, _: Absence.from_model(r),
    ),
    (
        models.OutboxItem,
        lambda v, r: _admin(v, r.tenant_id),
        lambda r, _: OutboxItem.from_model(r),
    ),
    (
        models.ApiToken,
        lambda v, r: _admin(v, r.tenant_id),
        lambda r, _: ApiToken.from_model(r),
    ),
    (models.AdminUser, _admin_account_visible, Admin.from_model),
]


async def _lookup(
    session: AsyncSession, viewer: Viewer, ids: list[str], now: datetime
) -> dict[str, Node]:
    found: dict[str, Node] = {}
    wanted = list(dict.fromkeys(ids))
    for table, visible, build in KINDS:
        missing = [i for i in wanted if i not in found]
        if not missing:
            break
        rows = await session.scalars(select(table).where(table.id.in_(missing)))
        for row in rows:
            if visible(viewer, row):
                found[row.id] = build(row, now)
    return found


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description="Any object by its global id (Relay); null when it does not "
        "exist or you may not see it."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        viewer = await info.context.viewer()
        async with info.context.db() as session:
            found = await _lookup(session, viewer, [id], info.context.now)
        return found.get(id)

    @strawberry.field(
        description=f"Objects by their global ids, in the order asked (at most "
        f"{MAX_NODES}); null for each that does not exist or you may not see."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description=f"Up to {MAX_NODES} global ids."),
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise InvalidInputError(f"ask for at most {MAX_NODES} ids", field="ids")
        viewer = await info.context.viewer()
        async with info.context.db() as session:
            found = await _lookup(session, viewer, list(ids), info.context.now)
        return [found.get(i) for i in ids]
