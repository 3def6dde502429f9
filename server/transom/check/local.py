"""The parts of an installation one process can check by itself (also /readyz)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from transom.check.findings import Finding
from transom.db import models
from transom.db.migrate import is_current
from transom.pubsub import Bus, RelayBus
from transom.security import SecretBox
from transom.settings import Settings

# Files without which a UI cannot load, relative to the assets folder.
REQUIRED_ASSETS = (
    "web/templates/base.html",
    "web/static",
    "signage/templates/display.html",
    "signage/static/display.js",
    "schema/operations/web",
    "schema/operations/signage/RoomDay.graphql",
)


async def check_database(engine: AsyncEngine) -> Finding:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        current = await is_current(engine)
    except (SQLAlchemyError, OSError) as exc:
        return Finding.failed(
            "database",
            f"unreachable ({_first_line(exc)})",
            "check TRANSOM_DATABASE_URL and that the database server is up",
        )
    if not current:
        return Finding.failed(
            "database",
            "reachable, but migrations are pending",
            "run `transom migrate` (transom serve also applies them at start-up)",
        )
    return Finding.passed("database", "reachable, migrations current")


async def check_secret_key(session: AsyncSession, settings: Settings) -> Finding:
    """Every stored client secret and certificate decrypts with the key."""
    box = SecretBox(str(settings.secret_key))
    tenants = (await session.scalars(select(models.Tenant))).all()
    for tenant in tenants:
        for stored in (
            tenant.client_secret_encrypted,
            tenant.client_certificate_encrypted,
        ):
            if stored is None:
                continue
            try:
                box.decrypt(stored)
            except ValueError:
                return Finding.failed(
                    "secret key",
                    f"cannot decrypt the stored credentials of tenant {tenant.name!r}",
                    "use the TRANSOM_SECRET_KEY (or data-dir secret.key) they were "
                    "saved with, or enter the tenant's credentials again",
                )
    return Finding.passed(
        "secret key", f"decrypts the credentials of {len(tenants)} tenant(s)"
    )


def check_assets(assets_dir: Path) -> Finding:
    missing = [name for name in REQUIRED_ASSETS if not (assets_dir / name).exists()]
    if missing:
        return Finding.failed(
            "assets",
            f"{', '.join(missing)} missing in {assets_dir}",
            "reinstall the transom wheel, or point TRANSOM_ASSETS_DIR at a folder "
            "holding web/, signage/ and schema/operations/",
        )
    return Finding.passed("assets", f"admin UI, display and operations in {assets_dir}")


def check_event_bus(bus: Bus, url: str) -> Finding:
    scheme = url.split("://", 1)[0]
    if isinstance(bus, RelayBus) and not bus.connected:
        return Finding.failed(
            "event bus",
            f"cannot reach the {scheme} server of TRANSOM_PUBSUB_URL",
            "check TRANSOM_PUBSUB_URL and that the server is up (Transom reconnects)",
        )
    return Finding.passed("event bus", f"{scheme}:// ready")


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
