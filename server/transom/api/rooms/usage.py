"""Room analytics: ``roomUsage``, aggregates of a tenant's bookings (no subjects,
no organizers). The rules are ``transom.domain.room_usage``'s."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import partial
from typing import Annotated

import anyio
import strawberry

from transom.api.context import Info
from transom.api.enums import Weekday
from transom.api.tenants.types import visible_tenant
from transom.db import room_usage as usage_repo
from transom.domain import room_usage as rules
from transom.domain.access import Role
from transom.domain.errors import PermissionDeniedError
from transom.domain.tenant_settings import TenantSettings

READERS = (Role.SUPERADMIN, Role.ADMIN, Role.READER)


@strawberry.enum(description="How roomUsage groups rooms.")
class UsageGrouping(Enum):
    ROOM = strawberry.enum_value(rules.Grouping.ROOM.value, description="Each room.")
    BUILDING = strawberry.enum_value(
        rules.Grouping.BUILDING.value, description="Rooms of one building together."
    )
    FLOOR = strawberry.enum_value(
        rules.Grouping.FLOOR.value,
        description="Rooms of one floor of one building together.",
    )


@strawberry.type(
    description="How much a group of rooms (or all of them) was used. A meeting "
    "belongs to the range its start falls in; hours are clipped to the range."
)
class RoomUsage:
    key: str = strawberry.field(
        description="Stable key of the group: the room id, the building, or "
        "building and floor."
    )
    label: str = strawberry.field(description="The group's name, for people.")
    room_id: strawberry.ID | None = strawberry.field(
        description="The room, when grouped by ROOM."
    )
    building: str | None = strawberry.field(description="The group's building.")
    floor: str | None = strawberry.field(
        description="The group's floor, when grouped by ROOM or FLOOR."
    )
    rooms: int = strawberry.field(description="How many rooms the group has.")
    booked_hours: float = strawberry.field(
        description="Hours the rooms were held by bookings (overlaps once; "
        "ended early or released: until then), inside working hours or not."
    )
    working_hours: float = strawberry.field(
        description="The rooms' working hours in the range: the tenant's working "
        "hours x rooms."
    )
    booked_working_hours: float = strawberry.field(
        description="Booked hours that fall inside working hours."
    )
    utilisation: float = strawberry.field(
        description="bookedWorkingHours / workingHours, 0..1."
    )
    meetings: int = strawberry.field(
        description="Bookings that count (not cancelled or declined) starting in "
        "the range."
    )
    median_minutes: float | None = strawberry.field(
        description="Median length of those meetings in minutes (until an early "
        "end or release); null without meetings."
    )
    door_bookings: int = strawberry.field(
        description="Meetings booked at a door display."
    )
    checked_in: int = strawberry.field(description="Meetings checked in at the door.")
    released: int = strawberry.field(
        description="Meetings released as no-shows (nobody checked in)."
    )
    ended_early: int = strawberry.field(description="Meetings ended early at the door.")
    extended: int = strawberry.field(description="Meetings extended at the door.")
    heatmap: list[float] = strawberry.field(
        description="Occupancy by weekday and hour in the tenant's time zone: 168 "
        "shares 0..1, Monday 00-01, Monday 01-02, ... Sunday 23-24; each is the "
        "booked part of that hour over every such hour of the range and room."
    )

    @classmethod
    def of(cls, figures: rules.UsageFigures) -> RoomUsage:
        return cls(
            key=figures.key,
            label=figures.label,
            room_id=strawberry.ID(figures.room_id) if figures.room_id else None,
            building=figures.building,
            floor=figures.floor,
            rooms=figures.rooms,
            booked_hours=figures.booked_hours,
            working_hours=figures.working_hours,
            booked_working_hours=figures.booked_working_hours,
            utilisation=figures.utilisation,
            meetings=figures.meetings,
            median_minutes=figures.median_minutes,
            door_bookings=figures.door_bookings,
            checked_in=figures.checked_in,
            released=figures.released,
            ended_early=figures.ended_early,
            extended=figures.extended,
            heatmap=figures.heatmap,
        )


@strawberry.type(description="Room analytics of one tenant over a range.")
class RoomUsageReport:
    from_: datetime = strawberry.field(
        name="from", description="Start of the range (inclusive)."
    )
    to: datetime = strawberry.field(description="End of the range (exclusive).")
    group_by: UsageGrouping = strawberry.field(description="How rooms are grouped.")
    time_zone: str = strawberry.field(
        description="The tenant's time zone: working hours and the heatmap use it."
    )
    working_hours_start: int = strawberry.field(
        description="The tenant's working hours start (whole hour, 0..23)."
    )
    working_hours_end: int = strawberry.field(
        description="The tenant's working hours end (whole hour, 1..24)."
    )
    working_days: list[Weekday] = strawberry.field(
        description="The tenant's working days."
    )
    total: RoomUsage = strawberry.field(description="Every room of the tenant.")
    groups: list[RoomUsage] = strawberry.field(
        description="One entry per group, by label; rooms without bookings too."
    )


@strawberry.type
class RoomUsageQueries:
    @strawberry.field(
        description="How a tenant's rooms were used between from and to (at most "
        "400 days): booked hours, utilisation of the working hours, meetings, "
        "door actions and an occupancy heatmap. Aggregates only. For the "
        "tenant's admins and readers."
    )
    async def room_usage(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The tenant.")
        ],
        from_: Annotated[
            datetime,
            strawberry.argument(name="from", description="Start (with UTC offset)."),
        ],
        to: Annotated[
            datetime, strawberry.argument(description="End (with UTC offset).")
        ],
        group_by: Annotated[
            UsageGrouping, strawberry.argument(description="How to group rooms.")
        ] = UsageGrouping.ROOM,
    ) -> RoomUsageReport | None:
        viewer = await info.context.viewer()
        tenant = await visible_tenant(info, tenant_id)
        if viewer.role not in READERS:
            raise PermissionDeniedError("room analytics need an admin or reader token")
        rules.check_usage_range(from_, to)
        settings = TenantSettings.from_stored(tenant.settings)
        hours = rules.WorkingHours(
            settings.working_hours_start,
            settings.working_hours_end,
            frozenset(settings.working_days),
            tenant.time_zone or "UTC",
        )
        async with info.context.db() as session:
            rooms = await usage_repo.usage_rooms(session, tenant_id=tenant.id)
            bookings = await usage_repo.usage_bookings(
                session, tenant_id=tenant.id, start=from_, end=to
            )
        grouping = rules.Grouping(group_by.name)
        # CPU work (a year of a large tenant): off the event loop.
        report = await anyio.to_thread.run_sync(
            partial(
                rules.room_usage,
                rooms,
                bookings.spans,
                bookings.door,
                from_,
                to,
                hours,
                grouping,
            )
        )
        return RoomUsageReport(
            from_=from_,
            to=to,
            group_by=group_by,
            time_zone=hours.time_zone,
            working_hours_start=hours.start,
            working_hours_end=hours.end,
            working_days=[Weekday(day) for day in sorted(hours.days)],
            total=RoomUsage.of(report.total),
            groups=[RoomUsage.of(group) for group in report.groups],
        )
