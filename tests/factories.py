"""Small typed factories that go through the real repositories."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db import rooms as room_repo
from transom.db import tenants as tenant_repo
from transom.db.tokens import create_token
from transom.domain.access import Role


async def make_tenant(session: AsyncSession, name: str = "Contoso") -> models.Tenant:
    tenant = await tenant_repo.create_tenant(
        session, name=name, time_zone="Europe/Copenhagen"
    )
    await session.commit()
    return tenant


async def make_token(
    session: AsyncSession, tenant: models.Tenant | None, role: Role = Role.ADMIN
) -> str:
    _, plaintext = await create_token(
        session, tenant_id=tenant.id if tenant else None, role=role, name="test"
    )
    await session.commit()
    return plaintext


async def make_room(
    session: AsyncSession,
    tenant: models.Tenant,
    name: str = "Aurora",
    *,
    capacity: int = 8,
    building: str = "North",
) -> models.Room:
    room = await room_repo.create_room(
        session,
        tenant_id=tenant.id,
        name=name,
        capacity=capacity,
        building=building,
        floor="1",
        mailbox_email=f"{name.lower()}@contoso.example",
    )
    await session.commit()
    return room


async def make_booking(
    session: AsyncSession,
    room: models.Room,
    start: datetime,
    minutes: int = 60,
    *,
    subject: str = "Planning",
    state: str = "CONFIRMED",
    private: bool = False,
    anonymous: bool = False,
) -> models.Booking:
    booking = models.Booking(
        tenant_id=room.tenant_id,
        room_id=room.id,
        start=start,
        end=start + timedelta(minutes=minutes),
        subject=subject,
        organizer_name=None if anonymous else "Adele Vance",
        organizer_email=None if anonymous else "adele@contoso.example",
        is_anonymous=anonymous,
        is_private=private,
        source="OUTLOOK",
        state=state,
    )
    session.add(booking)
    await session.commit()
    return booking
