"""Mutations that create, edit and delete rooms (admins of the room's tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import strawberry

from transom.api.audit.recorder import note_change
from transom.api.context import Info
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import Room, visible_room
from transom.api.scope import tenant_scope
from transom.api.tenants.types import check_time_zone, visible_tenant
from transom.db import rooms as room_repo
from transom.domain.audit import AuditTarget, camel_keys
from transom.domain.errors import InvalidInputError
from transom.pubsub import room_channel, tenant_channel

MAX_CAPACITY = 10_000


@strawberry.input(description="A new room.")
class CreateRoomInput:
    name: str = strawberry.field(description="1 to 200 characters.")
    tenant_id: strawberry.ID | None = strawberry.field(
        default=None, description="Needed only with a superadmin token."
    )
    capacity: int | None = strawberry.field(
        default=None, description="Seats, 1 to 10,000; null: unknown."
    )
    building: str | None = strawberry.field(
        default=None, description="At most 200 characters."
    )
    floor: str | None = strawberry.field(
        default=None, description="At most 50 characters."
    )
    time_zone: str | None = strawberry.field(
        default=None, description="IANA zone; the tenant's zone when null."
    )


@strawberry.input(description="Changes to a room; omitted fields stay as they are.")
class UpdateRoomInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="1 to 200 characters."
    )
    capacity: int | None = strawberry.field(
        default=strawberry.UNSET, description="Seats, 1 to 10,000; null clears it."
    )
    building: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 200 characters; null clears it."
    )
    floor: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 50 characters; null clears it."
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="IANA time zone; null: the tenant's."
    )


@dataclass(frozen=True)
class _Checked:
    values: dict[str, object]


def _check(raw: dict[str, object]) -> _Checked:
    values = {k: v for k, v in raw.items() if v is not strawberry.UNSET}
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not name:
            raise InvalidInputError("a room needs a name", field="name")
        values["name"] = name
    capacity = values.get("capacity")
    if isinstance(capacity, int) and not 0 < capacity <= MAX_CAPACITY:
        raise InvalidInputError(
            f"capacity must be 1..{MAX_CAPACITY} people", field="capacity"
        )
    zone = values.get("time_zone")
    if isinstance(zone, str):
        check_time_zone(zone)
    return _Checked(values)


@strawberry.type(description="What createRoom answers.")
class CreateRoomPayload(Payload):
    room: Room | None = strawberry.field(
        default=None, description="The new room; null when refused."
    )


@strawberry.type(description="What updateRoom answers.")
class UpdateRoomPayload(Payload):
    room: Room | None = strawberry.field(
        default=None, description="The room as saved; null when refused."
    )


@strawberry.type(description="What deleteRoom answers.")
class DeleteRoomPayload(Payload):
    deleted_room_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the deleted room; null when refused."
    )


@strawberry.type
class RoomMutations:
    @strawberry.mutation(description="Add a room.")
    async def create_room(
        self,
        info: Info,
        input: Annotated[
            CreateRoomInput, strawberry.argument(description="The new room.")
        ],
    ) -> CreateRoomPayload | None:
        viewer = await info.context.viewer()
        viewer.require_admin()
        with UserErrors(info) as errors:
            tenant_id = tenant_scope(viewer, input.tenant_id)
            if tenant_id is None:
                raise InvalidInputError("say which tenant", field="tenantId")
            await visible_tenant(info, tenant_id)  # NOT_FOUND, not a foreign-key error
            checked = _check(
                {
                    "name": input.name,
                    "capacity": input.capacity,
                    "building": input.building,
                    "floor": input.floor,
                    "time_zone": input.time_zone,
                }
            ).values
            async with info.context.db() as session:
                row = await room_repo.create_room(
                    session,
                    tenant_id=tenant_id,
                    **checked,  # type: ignore[arg-type]
                )
                await session.commit()
            await _publish_room_changed(info, row.id, tenant_id)
            return CreateRoomPayload(room=Room.from_model(row))
        return errors.payload(CreateRoomPayload)

    @strawberry.mutation(description="Edit a room's name, capacity or place.")
    async def update_room(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The room to change.")
        ],
        input: Annotated[
            UpdateRoomInput,
            strawberry.argument(description="The fields to change; omitted ones stay."),
        ],
    ) -> UpdateRoomPayload | None:
        viewer = await info.context.viewer()
        viewer.require_admin()
        with UserErrors(info) as errors:
            room = await visible_room(info, id)
            checked = _check(vars(input)).values
            async with info.context.db() as session:
                row = await room_repo.get_room(session, room_id=id)
                assert row is not None
                before = {key: getattr(row, key) for key in checked}
                for key, value in checked.items():
                    setattr(row, key, value)
                await session.commit()
            note_change(
                info,
                tenant_id=row.tenant_id,
                target=AuditTarget("Room", row.id, row.name),
                before=camel_keys(before),
                after=camel_keys(checked),
            )
            await _publish_room_changed(info, id, room.tenant_id)
            return UpdateRoomPayload(room=Room.from_model(row))
        return errors.payload(UpdateRoomPayload)

    @strawberry.mutation(description="Delete a room and its bookings in Transom.")
    async def delete_room(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The room to delete, with its bookings and displays."
            ),
        ],
    ) -> DeleteRoomPayload | None:
        viewer = await info.context.viewer()
        viewer.require_admin()
        with UserErrors(info) as errors:
            room = await visible_room(info, id)
            async with info.context.db() as session:
                row = await room_repo.get_room(session, room_id=id)
                if row is not None:
                    await session.delete(row)
                    await session.commit()
            note_change(
                info,
                tenant_id=room.tenant_id,
                target=AuditTarget("Room", id, room.name),
                before={"name": room.name},
            )
            await _publish_room_changed(info, id, room.tenant_id)
            return DeleteRoomPayload(deleted_room_id=id)
        return errors.payload(DeleteRoomPayload)


async def _publish_room_changed(info: Info, room_id: str, tenant_id: str) -> None:
    """Displays of the room and the tenant's open admin pages reload it."""
    event = {"type": "room", "roomId": room_id, "tenantId": tenant_id}
    bus = info.context.services.bus
    await bus.publish(room_channel(room_id), event)
    await bus.publish(tenant_channel(tenant_id), event)
