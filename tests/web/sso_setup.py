"""A Transom with Contoso connected to the emulator's Entra and Sign in with
Microsoft on (Facilities -> admin, Reception -> reader), and Fabrikam beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.factories import make_tenant
from tests.servers import free_port, serve_in_thread
from transom.admin_auth.entra_sign_in import CALLBACK_PATH
from transom.app import create_app
from transom.db import models
from transom.db import sso as sso_repo
from transom.db.engine import create_engine, create_sessions
from transom.domain.access import Role
from transom.domain.sign_in_roles import RoleRule, RuleKind
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_DOMAIN, TENANT_ID
from transom.emulator.seeds import FACILITIES_GROUP_ID, RECEPTION_GROUP_ID
from transom.security import SecretBox
from transom.settings import Settings

ADA = f"ada.ahmed@{TENANT_DOMAIN}"
BEN = f"ben.fischer@{TENANT_DOMAIN}"
CHLOE = f"chloe.kowalski@{TENANT_DOMAIN}"
SIGN_IN_SETTINGS = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}/sign-in"


@dataclass(frozen=True)
class SsoUi:
    url: str
    emulator_url: str


async def _tenants(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    box = SecretBox(str(settings.secret_key))
    try:
        async with create_sessions(engine)() as session:
            contoso = models.Tenant(
                name="Contoso",
                time_zone="UTC",
                directory_id=TENANT_ID,
                client_id=CLIENT_ID,
                client_secret_encrypted=box.encrypt(CLIENT_SECRET),
                settings={},
            )
            session.add(contoso)
            await session.flush()
            await sso_repo.enable_sso(
                session, tenant_id=contoso.id, domains=[TENANT_DOMAIN]
            )
            for rule in (
                RoleRule(RuleKind.GROUP, FACILITIES_GROUP_ID, Role.ADMIN),
                RoleRule(RuleKind.GROUP, RECEPTION_GROUP_ID, Role.READER),
            ):
                await sso_repo.set_rule(session, tenant_id=contoso.id, rule=rule)
            await session.commit()
            await make_tenant(session, "Fabrikam")
    finally:
        await engine.dispose()


@pytest.fixture
def sso_ui(database_url: str, tmp_path: Path, emulator_url: str) -> Iterator[SsoUi]:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    settings = Settings.from_env(
        {
            "TRANSOM_DATA_DIR": str(tmp_path / "data"),
            "TRANSOM_DATABASE_URL": database_url,
            "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "TRANSOM_RUN_SYNC": "false",
            "TRANSOM_GRAPH_URL": emulator_url,
            "TRANSOM_AUTHORITY_URL": emulator_url,
            "TRANSOM_PUBLIC_URL": public_url,
        }
    )
    asyncio.run(_tenants(settings))
    registered = httpx.patch(
        emulator_url + SIGN_IN_SETTINGS,
        json={"redirectUris": [public_url + CALLBACK_PATH]},
    )
    assert registered.status_code == 200
    with serve_in_thread(create_app(settings), port=port) as url:
        yield SsoUi(url, emulator_url)
