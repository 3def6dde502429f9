"""The per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection
from starlette.responses import Response

from transom.admin_auth.cookies import SESSION_COOKIE, check_cookie_request
from transom.admin_auth.sessions import find_signed_in
from transom.api.displays.token_cache import DeviceTokens
from transom.api.loaders import Loaders
from transom.api.rooms.snapshots import RoomSnapshots
from transom.db import displays as display_repo
from transom.db import models
from transom.db.engine import Sessions
from transom.db.tokens import find_token, note_used
from transom.domain.access import Role, Viewer
from transom.domain.audit import AuditNote
from transom.domain.clock import Clock
from transom.domain.connection import ConnectionReport, RoomImport
from transom.domain.displays import is_device_token
from transom.domain.errors import UnauthenticatedError
from transom.domain.onboarding import Disconnected, PermissionCheck, TenantFeature
from transom.pubsub import Bus, tenant_channel
from transom.settings import Settings
from transom.sync.people_sync import CalendarConnection, PeopleImport


class SyncCommands(Protocol):
    """What the API asks of the sync engine (``transom.sync.commands.service.SyncService``).

    The API never talks to Graph itself; these commands do, with timeouts.
    """

    async def connect_tenant(
        self,
        tenant_id: str,
        *,
        directory_id: str,
        client_id: str,
        client_secret: str | None,
        secret_expires_at: datetime | None,
        certificate_pem: str | None,
    ) -> ConnectionReport: ...

    async def test_connection(self, tenant_id: str) -> ConnectionReport: ...

    async def test_permissions(
        self, tenant_id: str
    ) -> tuple[tuple[TenantFeature, ...], tuple[PermissionCheck, ...]]: ...

    async def renew_secret(
        self, tenant_id: str, client_secret: str, secret_expires_at: datetime | None
    ) -> ConnectionReport: ...

    async def upload_certificate(
        self, tenant_id: str, certificate_pem: str
    ) -> ConnectionReport: ...

    async def disconnect_tenant(
        self, tenant_id: str, *, confirm: bool
    ) -> Disconnected: ...

    async def import_rooms(self, tenant_id: str) -> RoomImport: ...

    async def link_room(self, room_id: str, email: str) -> models.Room: ...

    async def unlink_room(self, room_id: str, *, confirm: bool) -> int: ...

    async def sync_room(self, room_id: str) -> bool: ...

    async def sync_tenant(self, tenant_id: str) -> int: ...

    async def sync_people(self, tenant_id: str, *, full: bool = False) -> None: ...

    async def refresh_directory(self, tenant: models.Tenant) -> PeopleImport: ...

    async def connect_calendars(
        self, tenant: models.Tenant
    ) -> tuple[PeopleImport, CalendarConnection]: ...

    async def disconnect_calendars(self, tenant_id: str) -> int: ...


@dataclass
class Services:
    """Long-lived things the app builds once and every request shares."""

    settings: Settings
    sessions: Sessions
    clock: Clock
    bus: Bus
    snapshots: RoomSnapshots = field(default_factory=RoomSnapshots)
    sync: SyncCommands | None = None
    device_tokens: DeviceTokens = field(default_factory=DeviceTokens)


@dataclass
class Context:
    """One request (or one websocket connection).

    Sibling fields resolve concurrently, and an AsyncSession is not safe for
    concurrent tasks, so every database use goes through :meth:`db`, which opens
    a short session under a per-context lock.
    """

    services: Services
    connection: HTTPConnection
    connection_params: dict[str, Any] | None = None
    response: Response | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _viewer: Viewer | None = None
    _authenticated: asyncio.Event = field(default_factory=asyncio.Event)
    loaders: Loaders = field(init=False)
    # What the running mutation noted for the audit log (api/audit/recorder.py).
    audit_notes: list[AuditNote] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db)

    @property
    def now(self) -> datetime:
        return self.services.clock()

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        async with self._lock, self.services.sessions() as session:
            yield session

    async def viewer(self) -> Viewer:
        """The authenticated caller, or UNAUTHENTICATED."""
        if self._viewer is None:
            self._viewer = await self._authenticate()
            self._authenticated.set()
        return self._viewer

    @property
    def current_viewer(self) -> Viewer | None:
        """The caller if an operation has authenticated it, else None."""
        return self._viewer

    async def authenticated(self) -> Viewer:
        """Waits until an operation has authenticated the caller (websockets)."""
        await self._authenticated.wait()
        assert self._viewer is not None
        return self._viewer

    async def reauthenticate(self) -> Viewer:
        """Checks the credentials again in the database (they may have been
        revoked)."""
        self._viewer = None
        self._viewer = await self._authenticate(kept=False)
        return self._viewer

    def set_response_header(self, name: str, value: str) -> None:
        """A header on the HTTP answer (ignored over websockets)."""
        if self.response is not None:
            self.response.headers[name] = value

    def bearer_token(self) -> str | None:
        """The bearer token of the request (or the websocket's connection_init)."""
        token = _bearer(self.connection.headers.get("authorization"))
        if token is None and self.connection_params:
            raw = self.connection_params.get(
                "Authorization"
            ) or self.connection_params.get("authorization")
            token = _bearer(raw if isinstance(raw, str) else None)
        return token

    async def _authenticate(self, *, kept: bool = True) -> Viewer:
        token = self.bearer_token()
        if token is not None and is_device_token(token):
            if not kept:
                return await self._display_viewer(token)
            return await self.services.device_tokens.viewer(
                token, lambda: self._display_viewer(token)
            )
        if token is None:
            session_viewer = await self._session_viewer()
            if session_viewer is not None:
                return session_viewer
            raise UnauthenticatedError(
                "sign in: send 'Authorization: Bearer <token>' "
                "(or an Authorization entry in the websocket connection_init payload)"
            )
        async with self.db() as session:
            row = await find_token(session, token=token)
            if row is not None:
                await note_used(session, row=row, now=self.now)
        if row is None:
            raise UnauthenticatedError("the token is unknown or revoked")
        return Viewer(token_id=row.id, role=Role(row.role), tenant_id=row.tenant_id)

    async def _display_viewer(self, token: str) -> Viewer:
        """A paired display: role DISPLAY, limited to its one room (a door
        display) or to the rooms of its building or floor (a lobby display)."""
        async with self.db() as session:
            found = await display_repo.find_active_by_token(
                session, token=token, now=self.now
            )
        if found is None:
            raise UnauthenticatedError(
                "this display is not paired or was revoked: pair it again"
            )
        row, came_online = found
        if came_online and row.tenant_id is not None:
            # Admins' Displays pages show it online at once, not at their
            # next periodic reload.
            await self.services.bus.publish(
                tenant_channel(row.tenant_id), {"type": "display", "displayId": row.id}
            )
        return Viewer(
            token_id=row.id,
            role=Role.DISPLAY,
            tenant_id=row.tenant_id,
            room_id=row.room_id,
            building=row.building if row.room_id is None else None,
            floor=row.floor if row.room_id is None else None,
        )

    async def _session_viewer(self) -> Viewer | None:
        """The admin signed in through the web UI's session cookie, if any."""
        cookie = self.connection.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        async with self.db() as session:
            signed_in = await find_signed_in(session, token=cookie, now=self.now)
        if signed_in is None:
            raise UnauthenticatedError(
                "your admin session has expired or was signed out: sign in again"
            )
        public_url = self.services.settings.public_url
        check_cookie_request(self.connection, signed_in.csrf_token, public_url)
        return signed_in.viewer


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


Info = strawberry.Info[Context, None]
