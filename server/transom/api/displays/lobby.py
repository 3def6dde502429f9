"""Lobby displays: a display paired to a building (or one floor of it) that
shows every room there, free or busy, until when, and the next meeting.

Its device token is scoped to that building (and floor): it may read the
building's day (``buildingDay``, ``buildingBookings``) and its own settings
(``thisLobby``), and nothing of any single room (those operations answer
NOT_FOUND, like another tenant's room); door actions are refused. A door
display's token is refused the building operations (FORBIDDEN).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import strawberry

from transom.api.context import Info
from transom.api.displays.admin import Display, publish_display_changed
from transom.api.enums import DisplayLanguage
from transom.api.live import RoomDay, day_view
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.snapshots import RoomSnapshot
from transom.api.scope import tenant_scope
from transom.api.shared_events import SharedEvent
from transom.db import displays as display_repo
from transom.db import models
from transom.db import rooms as room_repo
from transom.domain import displays as rules
from transom.domain.access import Viewer
from transom.domain.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from transom.domain.tenant_settings import TenantSettings

MAX_ROOMS = 200


@strawberry.type(description="One room of a building as a lobby display shows it.")
class BuildingRoom:
    room_id: strawberry.ID = strawberry.field(description="The room.")
    name: str = strawberry.field(description="The room's name.")
    capacity: int | None = strawberry.field(description="Seats; null when unknown.")
    floor: str | None = strawberry.field(description="Its floor; null when not set.")
    day: RoomDay = strawberry.field(
        description="Its day: status (free until / busy until) and today's "
        "bookings, masked for displays by the tenant's privacy settings."
    )


@strawberry.type(description="Every room of a building (or of one floor) today.")
class BuildingDay:
    building: str = strawberry.field(description="The building.")
    floor: str | None = strawberry.field(
        description="The floor asked for; null: every floor."
    )
    time_zone: str = strawberry.field(
        description="IANA zone to show times in: the first room's own zone, else "
        "the tenant's."
    )
    rooms: list[BuildingRoom] = strawberry.field(
        description=f"By floor and name (at most {MAX_ROOMS})."
    )


@strawberry.type(description="The lobby display asking, with what it needs to show.")
class ThisLobby:
    id: strawberry.ID = strawberry.field(description="The display's id.")
    name: str = strawberry.field(description="The display's name.")
    language: DisplayLanguage = strawberry.field(
        description="The display's own language, else the tenant's."
    )
    building: str = strawberry.field(description="The building it shows.")
    floor: str | None = strawberry.field(
        description="The one floor it shows; null: every floor of the building."
    )


async def building_scope(
    info: Info, building: str, floor: str | None, tenant_id: str | None
) -> tuple[Viewer, str]:
    """The viewer and the tenant whose building this is; refuses a door
    display (FORBIDDEN) and a lobby display's view of another building or
    floor (NOT_FOUND), and a building with no room (NOT_FOUND)."""
    viewer = await info.context.viewer()
    if viewer.is_display and not viewer.is_lobby:
        raise PermissionDeniedError(
            "a door display's token shows its own room only, not a building"
        )
    label = building if floor is None else f"{building} / {floor}"
    if viewer.is_lobby and (
        building != viewer.building or (viewer.floor not in (None, floor))
    ):
        raise NotFoundError.of("Building", label)
    scope = tenant_scope(viewer, tenant_id)
    if scope is None:
        raise InvalidInputError("say which tenant", field="tenantId")
    # A lobby may outlive its rooms (it shows none); anyone else is told.
    if not viewer.is_lobby and not await has_rooms(info, scope, building, floor):
        raise NotFoundError.of("Building", label)
    return viewer, scope


async def has_rooms(
    info: Info, tenant_id: str, building: str, floor: str | None
) -> bool:
    async with info.context.db() as session:
        rooms = await room_repo.rooms_in_building(
            session, tenant_id=tenant_id, building=building, floor=floor, limit=1
        )
    return bool(rooms)


async def building_members(
    info: Info, tenant_id: str, building: str, floor: str | None
) -> list[str]:
    """The ids of the building's (floor's) rooms now."""
    async with info.context.db() as session:
        rows = await room_repo.rooms_in_building(
            session,
            tenant_id=tenant_id,
            building=building,
            floor=floor,
            limit=MAX_ROOMS,
        )
    return [row.id for row in rows]


def in_building(
    snapshot: RoomSnapshot, tenant_id: str, building: str, floor: str | None
) -> bool:
    room = snapshot.room
    return (
        room is not None
        and room.tenant_id == tenant_id
        and room.building == building
        and (floor is None or room.floor == floor)
    )


def building_day(
    snapshots: list[RoomSnapshot],
    key: tuple[str, str, str | None],
    now: datetime,
    viewer: Viewer,
) -> tuple[BuildingDay, datetime | None]:
    """The building's day from its rooms' snapshots (each room's day is the
    one its door displays are pushed, shared), and when it next changes."""
    tenant_id, building, floor = key
    rooms: list[BuildingRoom] = []
    changes: list[datetime] = []
    zone: str | None = None
    tenant_zone = "UTC"
    for snapshot in snapshots:
        if not in_building(snapshot, tenant_id, building, floor):
            continue
        room = snapshot.room
        assert room is not None
        view = day_view(snapshot, now, viewer)
        if view.changes is not None:
            changes.append(view.changes)
        zone = zone or room.time_zone
        if snapshot.tenant is not None and snapshot.tenant.time_zone:
            tenant_zone = snapshot.tenant.time_zone
        rooms.append(_room(room, view.event.value))
    day = BuildingDay(
        building=building, floor=floor, time_zone=zone or tenant_zone, rooms=rooms
    )
    return day, min(changes, default=None)


@dataclass(frozen=True)
class _BuildingView:
    """A building's day built from exactly these snapshots, good for any
    moment in [at, changes)."""

    snapshots: tuple[RoomSnapshot, ...]
    at: datetime
    changes: datetime | None
    event: SharedEvent


def shared_building_day(
    snapshots: list[RoomSnapshot],
    key: tuple[str, str, str | None],
    now: datetime,
    viewer: Viewer,
) -> tuple[SharedEvent, datetime | None]:
    """:func:`building_day` as one event for every lobby of the building
    woken by the same change (kept with its first room's snapshot, like the
    rooms' own views), so their GraphQL result is executed once."""
    if not snapshots:
        day, changes = building_day(snapshots, key, now, viewer)
        return SharedEvent(day), changes
    memo = ("building", key, viewer.is_display)
    found = snapshots[0].views.get(memo)
    if (
        isinstance(found, _BuildingView)
        and len(found.snapshots) == len(snapshots)
        and all(a is b for a, b in zip(found.snapshots, snapshots, strict=True))
        and found.at <= now
        and (found.changes is None or now < found.changes)
    ):
        return found.event, found.changes
    day, changes = building_day(snapshots, key, now, viewer)
    view = _BuildingView(tuple(snapshots), now, changes, SharedEvent(day))
    snapshots[0].views[memo] = view
    return view.event, changes


def _room(room: models.Room, day: RoomDay) -> BuildingRoom:
    return BuildingRoom(
        room_id=strawberry.ID(room.id),
        name=room.name,
        capacity=room.capacity,
        floor=room.floor,
        day=day,
    )


async def load_building_day(
    info: Info, viewer: Viewer, key: tuple[str, str, str | None]
) -> BuildingDay:
    services = info.context.services
    now = info.context.now
    since = time.monotonic()
    members = await building_members(info, *key)
    snapshots = [
        await services.snapshots.fresh(services.sessions, room_id, since=since, now=now)
        for room_id in members
    ]
    return building_day(snapshots, key, now, viewer)[0]


@strawberry.type
class LobbyQueries:
    @strawberry.field(
        description="Every room of a building (or one floor) today: what "
        "`buildingBookings` pushes, fetched once (a lobby display refetches this "
        "on reconnect). A lobby display may ask only for its own building (and "
        "floor); a door display may not ask."
    )
    async def building_day(
        self,
        info: Info,
        building: Annotated[
            str, strawberry.argument(description="The building (exact name).")
        ],
        floor: Annotated[
            str | None,
            strawberry.argument(description="Only this floor; null: every floor."),
        ] = None,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The tenant: superadmins must say; others may give only their own."
            ),
        ] = None,
    ) -> BuildingDay | None:
        viewer, scope = await building_scope(info, building, floor, tenant_id)
        return await load_building_day(info, viewer, (scope, building, floor))

    @strawberry.field(description="The lobby display whose token this is.")
    async def this_lobby(self, info: Info) -> ThisLobby:
        viewer = await info.context.viewer()
        if not viewer.is_lobby or viewer.tenant_id is None:
            raise PermissionDeniedError("only a lobby display's token has a lobby")
        assert viewer.building is not None
        tenant = await info.context.loaders.tenant.load(viewer.tenant_id)
        settings = TenantSettings.from_stored(tenant.settings if tenant else None)
        async with info.context.db() as session:
            row = await display_repo.get_display(
                session, display_id=viewer.token_id, tenant_id=viewer.tenant_id
            )
        language = (row.language if row else None) or settings.display_language
        return ThisLobby(
            id=strawberry.ID(viewer.token_id),
            name=(row.name if row else None) or viewer.building,
            language=DisplayLanguage(language),
            building=viewer.building,
            floor=viewer.floor,
        )


@strawberry.type(description="What pairLobbyDisplay answers.")
class PairLobbyDisplayPayload(Payload):
    display: Display | None = strawberry.field(
        default=None, description="The paired display; null when refused."
    )


@strawberry.type
class LobbyMutations:
    @strawberry.mutation(
        description="Pair the display showing `code` to a building, or to one "
        "floor of it (the tenant's admins): a lobby display, which shows every "
        "room there and nothing else."
    )
    async def pair_lobby_display(
        self,
        info: Info,
        code: Annotated[
            str, strawberry.argument(description="The pairing code the display shows.")
        ],
        building: Annotated[
            str,
            strawberry.argument(
                description="The building (exact name, as its rooms have it)."
            ),
        ],
        floor: Annotated[
            str | None,
            strawberry.argument(description="Only this floor; null: every floor."),
        ] = None,
        name: Annotated[
            str | None,
            strawberry.argument(description="Default: the building (and floor)."),
        ] = None,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The tenant: superadmins must say; others may give only their own."
            ),
        ] = None,
    ) -> PairLobbyDisplayPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_admin()
            scope = tenant_scope(viewer, tenant_id)
            if scope is None:
                raise InvalidInputError("say which tenant", field="tenantId")
            if not await has_rooms(info, scope, building, floor):
                raise InvalidInputError(
                    "no room is in this building"
                    + ("" if floor is None else " on this floor")
                    + ": set the building (and floor) of its rooms under Rooms",
                    field="floor" if floor is not None else "building",
                )
            normalized = rules.normalize_code(code)
            where = building if floor is None else f"{building}, floor {floor}"
            label = rules.check_name(name if name is not None else where)
            now = info.context.now
            async with info.context.db() as session:
                row = await display_repo.find_pending_by_code(
                    session, code=normalized, now=now
                )
                if row is None:
                    raise InvalidInputError(
                        "no display shows this code (codes expire after 15 minutes)",
                        field="code",
                    )
                display_repo.pair_lobby(
                    row,
                    tenant_id=scope,
                    building=building,
                    floor=floor,
                    name=label,
                    now=now,
                )
                await session.commit()
            await publish_display_changed(info, row)
            return PairLobbyDisplayPayload(display=Display.from_model(row, now))
        return errors.payload(PairLobbyDisplayPayload)
