"""Free rooms nearby, for a door display whose room is taken.

The display's own tenant and building only (a display's token sees no other
room, so this answers names, floors and seats, never ids): rooms linked to
their mailbox, free now for at least 15 minutes, nearest floors first
(``transom.domain.nearby_rooms``), from the same synced bookings as
``findFreeRooms``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import strawberry

from transom.api.context import Info
from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import rooms as room_repo
from transom.domain.connection import LinkState
from transom.domain.nearby_rooms import Candidate, free_rooms_nearby

MAX_NEARBY = 10


@strawberry.type(description="A room near a door display's room that is free now.")
class NearbyFreeRoom:
    name: str = strawberry.field(description="The room's name.")
    floor: str | None = strawberry.field(description="Its floor, as entered.")
    capacity: int | None = strawberry.field(description="Seats, if known.")
    free_until: datetime | None = strawberry.field(
        description="When its next booking starts; null: free for the rest of the day."
    )
    same_floor: bool = strawberry.field(
        description="On the display's own floor (or neither has a floor)."
    )


async def nearby_free_rooms(
    info: Info, room: models.Room, tenant: models.Tenant | None, first: int
) -> list[NearbyFreeRoom]:
    now = info.context.now
    horizon = _day_end(room, tenant, now)
    async with info.context.db() as session:
        rooms = await room_repo.list_rooms(
            session,
            tenant_id=room.tenant_id,
            room_filter=room_repo.RoomFilter(room.building, None, None),
        )
        others = [
            r
            for r in rooms
            if r.id != room.id
            and r.building == room.building
            and r.link_state == LinkState.VERIFIED.value
        ]
        busy = await booking_repo.bookings_in_range(
            session,
            room_ids=[r.id for r in others],
            start=now,
            end=horizon,
            active_only=True,
        )
    found = free_rooms_nearby(
        room.floor,
        [Candidate(r.id, r.name, r.floor, r.capacity) for r in others],
        {rid: [(b.start, b.end) for b in rows] for rid, rows in busy.items()},
        now,
        limit=max(1, min(first, MAX_NEARBY)),
    )
    return [
        NearbyFreeRoom(
            name=f.room.name,
            floor=f.room.floor,
            capacity=f.room.capacity,
            free_until=f.free_until,
            same_floor=f.floor_distance == 0,
        )
        for f in found
    ]


def _day_end(
    room: models.Room, tenant: models.Tenant | None, now: datetime
) -> datetime:
    """Midnight tonight in the room's time zone (else the tenant's)."""
    zone = ZoneInfo(room.time_zone or (tenant.time_zone if tenant else None) or "UTC")
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight + timedelta(days=1)).astimezone(now.tzinfo)
