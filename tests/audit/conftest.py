"""Two tenants served by a real Transom (sync off, Graph at the emulator), with
named API tokens, for the audit log's API tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.emulated_tenant import run_seed
from tests.factories import make_room, make_tenant
from tests.servers import serve_in_thread
from tests.sync.outbox_harness import booking_world, world
from transom.db.engine import Sessions
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.emulator import create_app as create_emulator
from transom.settings import Settings

__all__ = ["booking_world", "world"]  # the outbox's world, for automatic changes

RETENTION_DAYS = 30


@dataclass(frozen=True)
class Tenants:
    contoso: str
    fabrikam: str
    contoso_room: str
    fabrikam_room: str
    contoso_admin: str
    contoso_reader: str
    fabrikam_admin: str
    superadmin: str


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve_in_thread(create_emulator(seed="demo")) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, emulator_url: str) -> Settings:
    env = {
        "TRANSOM_DATA_DIR": str(tmp_path / "data"),
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "TRANSOM_RUN_SYNC": "false",
        "TRANSOM_AUDIT_RETENTION_DAYS": str(RETENTION_DAYS),
    }
    base = Settings.from_env(env)
    return dataclasses.replace(base, graph_url=emulator_url, authority_url=emulator_url)


async def _seed(sessions: Sessions, settings: Settings) -> Tenants:
    async with sessions() as session:
        contoso = await make_tenant(session, "Contoso")
        fabrikam = await make_tenant(session, "Fabrikam")
        aurora = await make_room(session, contoso, "Aurora")
        borealis = await make_room(session, fabrikam, "Borealis")
        tokens = {}
        for name, tenant, role in (
            ("contoso-ops", contoso, Role.ADMIN),
            ("contoso-reader", contoso, Role.READER),
            ("fabrikam-ops", fabrikam, Role.ADMIN),
            ("root", None, Role.SUPERADMIN),
        ):
            _, tokens[name] = await create_token(
                session,
                tenant_id=tenant.id if tenant else None,
                role=role,
                name=name,
            )
        await session.commit()
        return Tenants(
            contoso=contoso.id,
            fabrikam=fabrikam.id,
            contoso_room=aurora.id,
            fabrikam_room=borealis.id,
            contoso_admin=tokens["contoso-ops"],
            contoso_reader=tokens["contoso-reader"],
            fabrikam_admin=tokens["fabrikam-ops"],
            superadmin=tokens["root"],
        )


@pytest.fixture
def tenants(settings: Settings) -> Tenants:
    return run_seed(settings, _seed)
