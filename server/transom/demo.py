"""`transom demo`: a demo tenant with rooms and a week of bookings, served.

The demo data lives in the embedded database; it is seeded once and kept.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db import rooms as room_repo
from transom.db import tenants as tenant_repo
from transom.db.engine import create_engine, create_sessions
from transom.db.migrate import upgrade_to_head
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.settings import Settings

DEMO_TENANT = "Contoso (demo)"
DEMO_ZONE = "Europe/Copenhagen"
ROOMS = [
    ("North", "1", "Aurora", 8),
    ("North", "1", "Borealis", 4),
    ("North", "2", "Cirrus", 12),
    ("North", "2", "Drizzle", 6),
    ("North", "3", "Equinox", 20),
    ("North", "3", "Fjord", 2),
    ("South", "1", "Glacier", 10),
    ("South", "1", "Harbour", 4),
    ("South", "2", "Iceberg", 16),
    ("South", "2", "Juniper", 6),
    ("South", "3", "Kestrel", 8),
    ("South", "3", "Lagoon", 30),
]
PEOPLE = [
    ("Adele Vance", "adele.vance"),
    ("Alex Wilber", "alex.wilber"),
    ("Diego Siciliani", "diego.siciliani"),
    ("Grady Archie", "grady.archie"),
    ("Isaiah Langer", "isaiah.langer"),
    ("Johanna Lorenz", "johanna.lorenz"),
    ("Lee Gu", "lee.gu"),
    ("Megan Bowen", "megan.bowen"),
]
SUBJECTS = ["Sprint planning", "1:1", "Design review", "Customer call",
            "Budget 2027", "Interview", "Retro", "All hands prep"]  # fmt: skip
DOMAIN = "contoso.example"


async def prepare_demo(settings: Settings, *, today: date) -> str:
    """Migrate, seed once, and return a token that can read the demo."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with create_sessions(engine)() as session:
            tenant = await _demo_tenant(session, today)
            if settings.bootstrap_token is not None:
                token = str(settings.bootstrap_token)
            else:
                _, token = await create_token(
                    session, tenant_id=tenant.id, role=Role.ADMIN, name="demo"
                )
            await session.commit()
    finally:
        await engine.dispose()
    return token


async def _demo_tenant(session: AsyncSession, today: date) -> models.Tenant:
    found = await session.scalar(
        select(models.Tenant).where(models.Tenant.name == DEMO_TENANT)
    )
    if found is not None:
        return found
    tenant = await tenant_repo.create_tenant(
        session, name=DEMO_TENANT, time_zone=DEMO_ZONE
    )
    rng = random.Random(today.toordinal())
    for building, floor, name, capacity in ROOMS:
        room = await room_repo.create_room(
            session,
            tenant_id=tenant.id,
            name=name,
            capacity=capacity,
            building=building,
            floor=floor,
            time_zone=DEMO_ZONE,
            mailbox_email=f"{name.lower()}@{DOMAIN}",
        )
        session.add_all(_week_of_bookings(tenant.id, room.id, today, rng))
    return tenant


def _week_of_bookings(
    tenant_id: str, room_id: str, today: date, rng: random.Random
) -> list[models.Booking]:
    zone = ZoneInfo(DEMO_ZONE)
    monday = today - timedelta(days=today.weekday())
    series = f"demo-standup-{room_id}"
    bookings = []
    for offset in range(7 if rng.random() < 0.5 else 5):
        day = monday + timedelta(days=offset)
        bookings.append(
            _booking(tenant_id, room_id, day, 9, 15, "Stand-up", zone, series)
        )
        for hour in sorted(rng.sample(range(10, 17), k=rng.randint(1, 4))):
            minutes = rng.choice([30, 60, 60, 90])
            bookings.append(
                _booking(
                    tenant_id,
                    room_id,
                    day,
                    hour,
                    minutes,
                    rng.choice(SUBJECTS),
                    zone,
                    None,
                    rng,
                )
            )
    return bookings


def _booking(
    tenant_id: str,
    room_id: str,
    day: date,
    hour: int,
    minutes: int,
    subject: str,
    zone: ZoneInfo,
    series_id: str | None,
    rng: random.Random | None = None,
) -> models.Booking:
    start = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
    name, local = PEOPLE[(hour + day.day) % len(PEOPLE)]
    anonymous = rng is not None and rng.random() < 0.1
    return models.Booking(
        tenant_id=tenant_id,
        room_id=room_id,
        start=start,
        end=start + timedelta(minutes=minutes),
        subject=subject,
        organizer_name=None if anonymous else name,
        organizer_email=None if anonymous else f"{local}@{DOMAIN}",
        is_anonymous=anonymous,
        is_private=rng is not None and rng.random() < 0.1,
        source="OUTLOOK",
        state="CONFIRMED",
        series_id=series_id,
    )
