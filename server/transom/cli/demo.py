"""`transom demo`: Contoso's rooms and meetings, synced from a local Graph emulator.

One process serves two apps: the Graph emulator (seed ``demo``, state kept in
``TRANSOM_DATA_DIR/emulator.json``) on ``port + 1`` (another free port if that one
is busy) and Transom on ``port``.
Transom reaches the emulator exactly as it reaches Microsoft Graph (settings
``graph_url``/``authority_url``), with the emulator's demo app credentials: it
connects the demo tenant, imports the rooms from Graph places, links every room
to its mailbox and runs one delta round per room before serving, so the demo's
bookings come from Exchange. Change notifications then keep it current (the
emulator delivers them to ``http://host:port/webhooks/graph``); the Outlook page
on the emulator makes changes to watch.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable
from dataclasses import dataclass

import anyio
import uvicorn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from transom.admin_auth.entra_sign_in import CALLBACK_PATH
from transom.app import create_app
from transom.cli.demo_state import load_demo_state, save_demo_state
from transom.db import models
from transom.db import sso as sso_repo
from transom.db import tenants as tenant_repo
from transom.db.engine import Sessions, create_engine, create_sessions, dispose_engine
from transom.db.migrate import upgrade_to_head
from transom.db.tokens import create_token, find_token
from transom.domain.access import Role
from transom.domain.sign_in_roles import RoleRule, RuleKind
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_DOMAIN, TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.seeds import FACILITIES_GROUP_ID, RECEPTION_GROUP_ID
from transom.pubsub import MemoryBus
from transom.settings import Settings
from transom.sync.calendars.room_changes import RoomRef
from transom.sync.calendars.rooms import MailboxLoop
from transom.sync.commands.service import SyncService
from transom.sync.env import SyncEnv, wall_clock

DEMO_TENANT = "Contoso (demo)"
DEMO_ZONE = "Europe/Copenhagen"
DEMO_PAST_DAYS = 7  # the emulator's demo week started on Monday
STARTUP_TIMEOUT = 60.0


@dataclass(frozen=True)
class DemoInfo:
    base_url: str
    emulator_url: str
    token: str
    rooms: int

    @property
    def outlook_url(self) -> str:
        return f"{self.emulator_url}/_emulator/outlook"


def emulator_port(host: str, port: int, previous: int | None = None) -> int:
    """The port the emulator had last time if it is free, else ``port + 1`` if
    free, else any free port (a busy 8001 must not stop the demo)."""
    candidates = [p for p in (previous, port + 1) if p is not None and p != port]
    for wanted in (*dict.fromkeys(candidates), 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # as uvicorn binds: a port whose old connections linger in
            # TIME_WAIT after a restart is free to it
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, wanted))
            except OSError:
                continue
            found: int = probe.getsockname()[1]
            return found
    raise OSError(f"no free port for the Graph emulator on {host}")


def demo_settings(
    settings: Settings, host: str, port: int, graph_port: int
) -> Settings:
    """Settings pointed at the emulator on ``graph_port``, notifications to ``port``."""
    emulator = f"http://{host}:{graph_port}"
    return dataclasses.replace(
        settings,
        graph_url=emulator,
        authority_url=emulator,
        public_url=f"http://{host}:{port}",
        sync_window_past_days=max(settings.sync_window_past_days, DEMO_PAST_DAYS),
        run_sync=True,
        graphiql=True,
    )


async def run_demo(
    settings: Settings, host: str, port: int, on_ready: Callable[[DemoInfo], None]
) -> None:
    """Serve the emulator and Transom until cancelled; ``on_ready`` once synced."""
    kept = load_demo_state(settings.data_dir)
    graph_port = emulator_port(host, port, kept.graph_port)
    settings = demo_settings(settings, host, port, graph_port)
    emulator_app = create_emulator(
        seed="demo", state_file=settings.data_dir / "emulator.json"
    )
    emulator = _server(emulator_app, host, graph_port)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(emulator.serve)
        await _started(emulator)
        sign_in = emulator_app.state.emulator.app(TENANT_ID, CLIENT_ID).sign_in
        sign_in.redirect_uris = [f"{settings.public_url}{CALLBACK_PATH}"]
        info = await prepare_demo(settings, f"http://{host}:{port}", kept.token)
        save_demo_state(
            settings.data_dir,
            dataclasses.replace(kept, token=info.token, graph_port=graph_port),
        )
        transom = _server(create_app(settings), host, port)
        tasks.start_soon(transom.serve)
        await _started(transom)
        on_ready(info)
        try:
            await anyio.sleep_forever()
        finally:
            transom.should_exit = emulator.should_exit = True


async def prepare_demo(
    settings: Settings, base_url: str, kept_token: str | None = None
) -> DemoInfo:
    """Migrate, connect the demo tenant through Graph, link and sync its rooms.
    ``kept_token`` (the previous run's) is answered again while it is valid."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        sessions = create_sessions(engine)
        async with sessions() as session:
            tenant = await _demo_tenant(session)
            await _demo_sign_in(session, tenant.id)
            token = await _token(session, settings, tenant, kept_token)
            await session.commit()
        env = SyncEnv.create(settings, sessions, MemoryBus(), wall_clock)
        try:
            rooms = await _connect_and_link(env, sessions, tenant.id)
        finally:
            await env.clients.aclose()
    finally:
        await dispose_engine(engine)
    return DemoInfo(base_url, settings.graph_url, token, rooms)


async def _demo_sign_in(session: AsyncSession, tenant_id: str) -> None:
    """Sign in with Microsoft: Facilities are admins, Reception readers."""
    await sso_repo.enable_sso(session, tenant_id=tenant_id, domains=[TENANT_DOMAIN])
    for group, role in (
        (FACILITIES_GROUP_ID, Role.ADMIN),
        (RECEPTION_GROUP_ID, Role.READER),
    ):
        rule = RoleRule(RuleKind.GROUP, group, role)
        await sso_repo.set_rule(session, tenant_id=tenant_id, rule=rule)


async def _connect_and_link(env: SyncEnv, sessions: Sessions, tenant_id: str) -> int:
    service = SyncService(env, None)
    report = await service.connect_tenant(
        tenant_id,
        directory_id=TENANT_ID,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        secret_expires_at=None,
        certificate_pem=None,
    )
    if report.status.value != "CONNECTED":
        raise RuntimeError(f"the demo cannot reach the emulator: {report.message}")
    imported = await service.import_rooms(tenant_id)
    async with sessions() as session:
        rooms = (
            await session.scalars(
                select(models.Room).where(models.Room.id.in_(imported.room_ids))
            )
        ).all()
    async with anyio.create_task_group() as tasks:
        for room in rooms:
            tasks.start_soon(_link_and_sync, env, service, room)
    return len(rooms)


async def _link_and_sync(env: SyncEnv, service: SyncService, room: models.Room) -> None:
    mailbox = room.mailbox_email
    assert mailbox is not None
    if room.link_state != "VERIFIED":
        room = await service.link_room(room.id, mailbox)
    if room.link_state == "VERIFIED":
        loop = MailboxLoop(env, RoomRef(room.id, room.tenant_id, mailbox))
        await loop.guarded_step()


async def _demo_tenant(session: AsyncSession) -> models.Tenant:
    found = await session.scalar(
        select(models.Tenant).where(models.Tenant.name == DEMO_TENANT)
    )
    if found is not None:
        return found
    return await tenant_repo.create_tenant(
        session, name=DEMO_TENANT, time_zone=DEMO_ZONE
    )


async def _token(
    session: AsyncSession,
    settings: Settings,
    tenant: models.Tenant,
    kept: str | None,
) -> str:
    if settings.bootstrap_token is not None:
        return str(settings.bootstrap_token)
    if kept is not None:
        found = await find_token(session, token=kept)
        if found is not None and found.tenant_id == tenant.id:
            return kept
    _, token = await create_token(
        session, tenant_id=tenant.id, role=Role.ADMIN, name="demo"
    )
    return token


def _server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    return uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", log_config=None)
    )


async def _started(server: uvicorn.Server) -> None:
    with anyio.fail_after(STARTUP_TIMEOUT):
        while not server.started:  # noqa: ASYNC110 - uvicorn offers only a flag
            await anyio.sleep(0.02)
