"""Door displays: pending pairings, paired devices and their last sighting.

A pending display has no tenant yet; it is found by its pairing code (admins)
or by its secret (the display itself). The secret is stored only as a hash in
``device_token_hash`` and becomes the device token once the display is paired.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain import displays as rules
from transom.security import hash_token


async def create_pending(
    session: AsyncSession, *, code: str, secret: str, now: datetime
) -> models.Display:
    display = models.Display(
        pairing_code=code, device_token_hash=hash_token(secret), created_at=now
    )
    session.add(display)
    await session.flush()
    return display


async def code_in_use(session: AsyncSession, *, code: str) -> bool:
    found = await session.scalar(
        select(models.Display.id).where(models.Display.pairing_code == code)
    )
    return found is not None


async def purge_expired(session: AsyncSession, *, now: datetime) -> None:
    """Forget pairings nobody completed in time."""
    await session.execute(
        delete(models.Display).where(
            models.Display.paired_at.is_(None),
            models.Display.revoked_at.is_(None),
            models.Display.created_at < now - rules.PAIRING_TTL,
        )
    )


async def find_pending_by_code(
    session: AsyncSession, *, code: str, now: datetime
) -> models.Display | None:
    row = await session.scalar(
        select(models.Display).where(models.Display.pairing_code == code)
    )
    if row is None or state_of(row, now) is not rules.PairingState.WAITING:
        return None
    return row


async def find_by_secret(
    session: AsyncSession, *, secret: str
) -> models.Display | None:
    """The display holding this secret (or device token), in any state."""
    return await session.scalar(
        select(models.Display).where(
            models.Display.device_token_hash == hash_token(secret)
        )
    )


async def find_active_by_token(
    session: AsyncSession, *, token: str, now: datetime
) -> tuple[models.Display, bool] | None:
    """A paired, unrevoked display, and whether it just came online (unseen
    for longer than the online window); notes that it was seen (commits)."""
    row = await find_by_secret(session, secret=token)
    if row is None or state_of(row, now) is not rules.PairingState.PAIRED:
        return None
    if row.tenant_id is None or (row.room_id is None and row.building is None):
        return None
    came_online = not rules.is_online(row.last_seen_at, now)
    if rules.needs_touch(row.last_seen_at, now):
        row.last_seen_at = now
        await session.commit()
    return row, came_online


async def touch(session: AsyncSession, *, display_id: str, now: datetime) -> None:
    """Note a sighting (throttled by the caller); commits."""
    await session.execute(
        update(models.Display)
        .where(models.Display.id == display_id)
        .values(last_seen_at=now)
    )
    await session.commit()


def pair(
    row: models.Display, *, tenant_id: str, room_id: str, name: str, now: datetime
) -> None:
    row.tenant_id = tenant_id
    row.room_id = room_id
    row.building = row.floor = None
    row.name = name
    row.paired_at = now
    row.pairing_code = None


def pair_lobby(
    row: models.Display,
    *,
    tenant_id: str,
    building: str,
    floor: str | None,
    name: str,
    now: datetime,
) -> None:
    """A lobby display: it shows every room of the building (or of one floor)."""
    row.tenant_id = tenant_id
    row.room_id = None
    row.building = building
    row.floor = floor
    row.name = name
    row.paired_at = now
    row.pairing_code = None


async def get_display(
    session: AsyncSession, *, display_id: str, tenant_id: str | None
) -> models.Display | None:
    """A paired display of the tenant (None: any tenant, for superadmins)."""
    row = await session.get(models.Display, display_id)
    if row is None or row.tenant_id is None:
        return None
    if tenant_id is not None and row.tenant_id != tenant_id:
        return None
    return row


async def list_displays(
    session: AsyncSession, *, tenant_id: str, limit: int = 1000
) -> list[models.Display]:
    """The tenant's paired displays (revoked ones too), by name."""
    rows = await session.scalars(
        select(models.Display)
        .where(models.Display.tenant_id == tenant_id)
        .order_by(models.Display.name, models.Display.id)
        .limit(limit)
    )
    return list(rows.all())


def state_of(row: models.Display, now: datetime) -> rules.PairingState:
    return rules.pairing_state(
        created_at=row.created_at,
        paired_at=row.paired_at,
        revoked_at=row.revoked_at,
        now=now,
    )
