from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_tenant, make_token
from tests.servers import free_port, serve_in_thread
from tests.sync.harness import Api, provision, sync_settings
from tests.sync.outbox_harness import booking_world, world
from transom.app import create_app
from transom.emulator import create_app as create_emulator
from transom.emulator.store import Emulator
from transom.settings import Settings

__all__ = ["booking_world", "world"]  # the outbox tests' world


@dataclass
class EmulatorServer:
    url: str
    state: Emulator


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    app = create_emulator(seed="empty", attendant_delay=0.05)
    provision(app.state.emulator)
    with serve_in_thread(app) as url:
        yield EmulatorServer(url, app.state.emulator)


@pytest.fixture
def poll_seconds() -> float:
    """Override in a module to test polling."""
    return 60.0


@pytest.fixture
def reconcile_seconds() -> float:
    """Override in a module to shorten the reconciliation interval."""
    return 3600.0


@pytest.fixture
def public() -> bool:
    """Whether Transom gives Graph a reachable TRANSOM_PUBLIC_URL."""
    return True


@pytest.fixture
def transom_port() -> int:
    return free_port()


@pytest.fixture
def sync_config(
    database_url: str,
    tmp_path: Path,
    emulator: EmulatorServer,
    transom_port: int,
    poll_seconds: float,
    reconcile_seconds: float,
    public: bool,
) -> Settings:
    return sync_settings(
        database_url,
        tmp_path,
        emulator_url=emulator.url,
        public_url=f"http://127.0.0.1:{transom_port}" if public else None,
        poll_seconds=poll_seconds,
        reconcile_seconds=reconcile_seconds,
    )


@pytest.fixture
async def tenant_token(session: AsyncSession) -> tuple[str, str]:
    tenant = await make_tenant(session)
    return tenant.id, await make_token(session, tenant)


@pytest.fixture
def transom(sync_config: Settings, transom_port: int) -> Iterator[str]:
    with serve_in_thread(create_app(sync_config), port=transom_port) as url:
        yield url


@pytest.fixture
def api(transom: str, tenant_token: tuple[str, str]) -> Api:
    tenant_id, token = tenant_token
    return Api(transom, token, tenant_id)
