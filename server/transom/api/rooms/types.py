"""Room type, its status and bookings, and the room queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import strawberry

from transom.api.bookings.types import Booking, check_range
from transom.api.context import Info
from transom.api.enums import LinkState, RoomState
from transom.api.node import Node
from transom.api.scope import tenant_scope
from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import rooms as room_repo
from transom.domain import bookings as rules
from transom.domain.errors import NotFoundError

if TYPE_CHECKING:
    from transom.api.sync.status import RoomSync
    from transom.api.tenants.types import Tenant

STATUS_WINDOW = timedelta(days=2)


@strawberry.type(description="A room's state now and until when it holds.")
class RoomStatus:
    state: RoomState = strawberry.field(description="Free, busy or starting soon.")
    until: datetime | None = strawberry.field(
        description="When the state changes; null if free for the foreseeable future."
    )


@strawberry.type(description="A bookable meeting room.")
class Room(Node):
    id: strawberry.ID = strawberry.field(description="The room's id.")
    name: str = strawberry.field(description="The room's name (1 to 200 characters).")
    capacity: int | None = strawberry.field(
        description="Seats (1 to 10,000); null when unknown."
    )
    building: str | None = strawberry.field(
        description="The building (at most 200 characters); null when not set."
    )
    floor: str | None = strawberry.field(
        description="The floor (at most 50 characters); null when not set."
    )
    time_zone: str | None = strawberry.field(
        description="IANA time zone; null: the tenant's."
    )
    mailbox: str | None = strawberry.field(
        description="The Exchange resource mailbox this room is linked to."
    )
    link_state: LinkState = strawberry.field(
        description="Whether the room's calendar is linked to its Exchange mailbox."
    )
    link_error: str | None = strawberry.field(description="Why linking failed.")
    tenant_id: strawberry.ID = strawberry.field(
        description="The tenant that owns the room."
    )
    link_error_code: str | None = strawberry.field(
        default=None,
        description="NO_SUCH_MAILBOX, NO_EXCHANGE_MAILBOX, NOT_A_RESOURCE, "
        "ACCESS_DENIED, NOT_CONNECTED or Graph's code.",
    )
    link_hint: str | None = strawberry.field(
        default=None, description="How to fix a failed link."
    )

    @classmethod
    def from_model(cls, row: models.Room) -> Room:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            capacity=row.capacity,
            building=row.building,
            floor=row.floor,
            time_zone=row.time_zone,
            mailbox=row.mailbox_email,
            link_state=LinkState(row.link_state),
            link_error=row.link_error,
            tenant_id=strawberry.ID(row.tenant_id),
            link_error_code=row.link_error_code,
            link_hint=row.link_hint,
        )

    @strawberry.field(
        description="The calendar sync with the room's mailbox; null before the "
        "first sync."
    )
    async def sync(
        self, info: Info
    ) -> Annotated[RoomSync, strawberry.lazy("transom.api.sync.status")] | None:
        from transom.api.sync.status import room_sync

        return await room_sync(info, self.id)

    @strawberry.field(description="Bookings overlapping [start, end), at most 93 days.")
    async def bookings(
        self,
        info: Info,
        start: Annotated[
            datetime, strawberry.argument(description="From (with a UTC offset).")
        ],
        end: Annotated[
            datetime,
            strawberry.argument(
                description="Until, exclusive; at most 93 days after start."
            ),
        ],
    ) -> list[Booking]:
        check_range(start, end)
        rows = await info.context.loaders.bookings.load((self.id, start, end, False))
        return [Booking.from_model(row) for row in rows]

    @strawberry.field(description="Free, busy or starting soon, now.")
    async def status(self, info: Info) -> RoomStatus:
        now = info.context.now
        key = (self.id, now - STATUS_WINDOW, now + STATUS_WINDOW, True)
        rows = await info.context.loaders.bookings.load(key)
        return status_of(rows, now)

    @strawberry.field(description="The tenant that owns this room.")
    async def tenant(
        self, info: Info
    ) -> Annotated[Tenant, strawberry.lazy("transom.api.tenants.types")]:
        from transom.api.tenants.types import Tenant

        row = await info.context.loaders.tenant.load(self.tenant_id)
        if row is None:
            raise NotFoundError.of("Tenant", self.tenant_id)
        return Tenant.from_model(row)


def status_of(rows: list[models.Booking], now: datetime) -> RoomStatus:
    """The status at ``now`` from the room's active bookings around it."""
    status = rules.room_status([rules.Slot(r.start, r.end) for r in rows], now)
    return RoomStatus(state=RoomState(status.state.value), until=status.until)


async def current_status(info: Info, room_id: str) -> RoomStatus:
    """Fresh from the database (no loader cache): for long-lived subscriptions."""
    now = info.context.now
    async with info.context.db() as session:
        grouped = await booking_repo.bookings_in_range(
            session,
            room_ids=[room_id],
            start=now - STATUS_WINDOW,
            end=now + STATUS_WINDOW,
            active_only=True,
        )
    return status_of(grouped[room_id], now)


async def visible_room(info: Info, room_id: str) -> models.Room:
    """The room, if the viewer may see it; otherwise NOT_FOUND."""
    viewer = await info.context.viewer()
    row = await info.context.loaders.room.load(room_id)
    if row is None or not viewer.sees_room(room_id):
        raise NotFoundError.of("Room", room_id)
    viewer.check_tenant(row.tenant_id, "Room", room_id)
    return row


@strawberry.type
class RoomQueries:
    @strawberry.field(
        description="Rooms you can see, by building and name (at most 1000)."
    )
    async def rooms(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant: superadmins may pick any; others may give only their own. Omitted: your tenant (every tenant for a superadmin)."
            ),
        ] = None,
        building: Annotated[
            str | None,
            strawberry.argument(
                description="Only rooms in this building (exact name)."
            ),
        ] = None,
        min_capacity: Annotated[
            int | None,
            strawberry.argument(
                description="Only rooms with at least this many seats."
            ),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of the room's name, any case (% and _ are plain characters)."
            ),
        ] = None,
    ) -> list[Room] | None:
        viewer = await info.context.viewer()
        scope = tenant_scope(viewer, tenant_id)
        room_filter = room_repo.RoomFilter(building, min_capacity, search)
        async with info.context.db() as session:
            rows = await room_repo.list_rooms(
                session, tenant_id=scope, room_filter=room_filter
            )
        if viewer.is_display:
            rows = [row for row in rows if viewer.sees_room(row.id)]
        return [Room.from_model(row) for row in rows]

    @strawberry.field(description="One room by id.")
    async def room(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The room's id.")],
    ) -> Room | None:
        return Room.from_model(await visible_room(info, id))

    @strawberry.field(description="A room's bookings overlapping [start, end).")
    async def bookings(
        self,
        info: Info,
        room_id: Annotated[strawberry.ID, strawberry.argument(description="The room.")],
        start: Annotated[
            datetime, strawberry.argument(description="From (with a UTC offset).")
        ],
        end: Annotated[
            datetime,
            strawberry.argument(
                description="Until, exclusive; at most 93 days after start."
            ),
        ],
    ) -> list[Booking] | None:
        await visible_room(info, room_id)
        check_range(start, end)
        rows = await info.context.loaders.bookings.load((room_id, start, end, False))
        return [Booking.from_model(row) for row in rows]
