"""The parts of an installation one process can check by itself (also /readyz)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from transom.check.findings import Finding
from transom.db.migrate import is_current
from transom.db.secret_key_check import SecretKeyMismatchError
from transom.db.secret_key_check import check_secret_key as check_stored_secrets
from transom.graphiql.files import (
    FETCH_COMMAND,
    graphiql_dir,
    missing_files,
    static_dir,
)
from transom.pubsub import Bus, RelayBus
from transom.security import SecretBox
from transom.settings import Settings

# Files without which a UI cannot load, relative to the assets folder.
REQUIRED_ASSETS = (
    "web/templates/base.html",
    "web/static",
    "web/i18n",
    "signage/templates/display.html",
    "signage/static/display.js",
    "signage/templates/lobby.html",
    "signage/static/lobby.js",
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


async def check_secret_key(engine: AsyncEngine, settings: Settings) -> Finding:
    """Every stored client secret and certificate decrypts with the key (the
    check ``transom serve`` refuses to start without)."""
    try:
        await check_stored_secrets(engine, SecretBox(str(settings.secret_key)))
    except SecretKeyMismatchError as exc:
        return Finding.failed(
            "secret key",
            str(exc),
            "if that key is lost, enter each tenant's credentials again",
        )
    return Finding.passed("secret key", "decrypts every stored tenant credential")


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


def check_graphiql(settings: Settings) -> Finding:
    """GraphiQL's files, needed only while ``TRANSOM_GRAPHIQL`` is on."""
    if not settings.graphiql:
        return Finding.passed("graphiql", "off")
    folder = graphiql_dir(settings.assets_dir)
    missing = missing_files(folder)
    if missing:
        return Finding.failed(
            "graphiql",
            f"on, but {', '.join(missing)} missing in {static_dir(folder)}/vendor",
            f"run `{FETCH_COMMAND}` in the source checkout (a wheel carries them), "
            "or set TRANSOM_GRAPHIQL=false",
        )
    return Finding.passed("graphiql", f"on, served from {static_dir(folder)}")


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
