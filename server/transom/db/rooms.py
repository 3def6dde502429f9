"""Rooms of a tenant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db.row_locks import lock_row
from transom.domain.connection import LinkState


@dataclass(frozen=True)
class RoomFilter:
    building: str | None = None
    min_capacity: int | None = None
    search: str | None = None


async def list_rooms(
    session: AsyncSession,
    *,
    tenant_id: str | None,
    room_filter: RoomFilter = RoomFilter(),
    limit: int = 1000,
) -> list[models.Room]:
    """Rooms by building and name; ``tenant_id`` None means every tenant."""
    stmt = select(models.Room)
    if tenant_id is not None:
        stmt = stmt.where(models.Room.tenant_id == tenant_id)
    if room_filter.building:
        stmt = stmt.where(models.Room.building == room_filter.building)
    if room_filter.min_capacity is not None:
        stmt = stmt.where(models.Room.capacity >= room_filter.min_capacity)
    if room_filter.search:
        wanted = room_filter.search.lower()  # % and _ match only themselves
        stmt = stmt.where(
            func.lower(models.Room.name).contains(wanted, autoescape=True)
        )
    stmt = stmt.order_by(models.Room.building, models.Room.name, models.Room.id)
    return list((await session.scalars(stmt.limit(limit))).all())


async def room_ids(session: AsyncSession, *, tenant_id: str) -> list[str]:
    """Every room of the tenant (ids only, no limit)."""
    stmt = select(models.Room.id).where(models.Room.tenant_id == tenant_id)
    return list((await session.scalars(stmt)).all())


async def get_room(session: AsyncSession, *, room_id: str) -> models.Room | None:
    return await session.get(models.Room, room_id)


async def get_rooms(
    session: AsyncSession, *, room_ids: Sequence[str]
) -> list[models.Room]:
    rows = await session.scalars(
        select(models.Room).where(models.Room.id.in_(room_ids))
    )
    return list(rows.all())


async def create_room(
    session: AsyncSession,
    *,
    tenant_id: str,
    name: str,
    capacity: int | None = None,
    building: str | None = None,
    floor: str | None = None,
    time_zone: str | None = None,
    mailbox_email: str | None = None,
) -> models.Room:
    room = models.Room(
        tenant_id=tenant_id,
        name=name,
        capacity=capacity,
        building=building,
        floor=floor,
        time_zone=time_zone,
        mailbox_email=mailbox_email.lower() if mailbox_email else None,
    )
    session.add(room)
    await session.flush()
    return room


async def count_linked(session: AsyncSession, *, tenant_id: str) -> int:
    """The tenant's rooms linked to a verified Exchange mailbox."""
    found = await session.scalar(
        select(func.count()).where(
            models.Room.tenant_id == tenant_id,
            models.Room.link_state == LinkState.VERIFIED.value,
            models.Room.mailbox_email.is_not(None),
        )
    )
    return int(found or 0)


async def lock_room(session: AsyncSession, room_id: str) -> None:
    """Serialise every writer of one room's bookings until this transaction ends.

    The booking commands, a delta round applying the room's calendar and the
    outbox recording what Graph created all take this lock before they read, so
    "is there already a row for this event or slot?" and the write that follows
    are one step (see :mod:`transom.db.row_locks`).
    """
    await lock_row(session, models.Room, room_id)


async def rooms_in_building(
    session: AsyncSession,
    *,
    tenant_id: str,
    building: str,
    floor: str | None,
    limit: int = 200,
) -> list[models.Room]:
    """The rooms of a building (of one floor when ``floor`` is given), by
    floor and name: what a lobby display shows."""
    stmt = select(models.Room).where(
        models.Room.tenant_id == tenant_id, models.Room.building == building
    )
    if floor is not None:
        stmt = stmt.where(models.Room.floor == floor)
    stmt = stmt.order_by(models.Room.floor, models.Room.name, models.Room.id)
    return list((await session.scalars(stmt.limit(limit))).all())
