"""Import a tenant's rooms from Graph places, idempotent by mailbox address.

A room already linked to the mailbox (case-insensitive) is updated in place
(name, capacity, building, floor, place id); others are created UNLINKED.
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
    created = updated = 0
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
            else:
                updated += 1
            room.name = place.display_name or room.name
            room.capacity = place.capacity
            room.building = place.building
            room.floor = floor_of(place)
            room.graph_place_id = place.id
            ids.append(room.id)
        await session.commit()
    await env.tenant_changed(tenant_id)
    return RoomImport(created=created, updated=updated, room_ids=tuple(ids))
