"""Import a tenant's rooms from Graph places, idempotent by mailbox address.

A room already linked to the mailbox (case-insensitive) is updated in place
(name, capacity, building, floor, place id) and counted as updated only when
one of them changed; others are created UNLINKED.
"""

from __future__ import annotations

import anyio
from sqlalchemy import select

from transom.db import models
from transom.db import rooms as room_repo
from transom.domain.connection import RoomImport
from transom.domain.directory import RoomPlace
from transom.domain.errors import NotFoundError
from transom.sync.env import SyncEnv

IMPORT_TIMEOUT = 120.0


def floor_of(place: RoomPlace) -> str | None:
    if place.floor_label:
        return place.floor_label
    return None if place.floor_number is None else str(place.floor_number)


async def import_rooms(env: SyncEnv, tenant_id: str) -> RoomImport:
    async with env.sessions() as session:
        tenant = await session.get(models.Tenant, tenant_id)
        if tenant is None:
            raise NotFoundError.of("Tenant", tenant_id)
    graph = await env.clients.client(tenant)
    with anyio.fail_after(IMPORT_TIMEOUT):
        places = await graph.fetch_rooms()
    created = updated = unchanged = 0
    ids: list[str] = []
    async with env.sessions() as session:
        rows = await session.scalars(
            select(models.Room).where(models.Room.tenant_id == tenant_id)
        )
        by_mailbox = {r.mailbox_email: r for r in rows if r.mailbox_email}
        for place in places:
            if not place.email:
                continue
            room = by_mailbox.get(place.email.lower())
            if room is None:
                room = await room_repo.create_room(
                    session,
                    tenant_id=tenant_id,
                    name=place.display_name or place.email,
                    time_zone=tenant.time_zone,
                    mailbox_email=place.email,
                )
                by_mailbox[place.email.lower()] = room
                created += 1
                _apply(room, place)
            elif _apply(room, place):
                updated += 1
            else:
                unchanged += 1
            ids.append(room.id)
        await session.commit()
    if created or updated:
        await env.tenant_changed(tenant_id)
    return RoomImport(
        created=created, updated=updated, unchanged=unchanged, room_ids=tuple(ids)
    )


def _apply(room: models.Room, place: RoomPlace) -> bool:
    """Copy what Graph says of the place onto the room; whether anything changed."""
    wanted = {
        "name": place.display_name or room.name,
        "capacity": place.capacity,
        "building": place.building,
        "floor": floor_of(place),
        "graph_place_id": place.id,
    }
    changed = False
    for field, value in wanted.items():
        if getattr(room, field) != value:
            setattr(room, field, value)
            changed = True
    return changed
