"""The commands the API calls (through ``api.context.SyncCommands``).

Each command does its Graph work inline, bounded by timeouts, and then tells
the supervisor (if sync runs in this process) to reconcile or wake loops.
Without a supervisor (``TRANSOM_RUN_SYNC=false``) the data changes are made and
loops simply do not run here.
"""

from __future__ import annotations

from datetime import datetime

from transom.db import models
from transom.db import rooms as room_repo
from transom.domain.connection import ConnectionReport, ConnectionStatus, RoomImport
from transom.domain.errors import InvalidInputError
from transom.pubsub import SYNC_CHANNEL
from transom.sync import connection, people_disconnect, people_sync
from transom.sync.calendars.state import person_key
from transom.sync.commands import linking, rooms_import
from transom.sync.commands.errors import graph_failures_as_errors
from transom.sync.env import SyncEnv
from transom.sync.outbox.held import resume_tenant_writes
from transom.sync.people_sync import CalendarConnection, PeopleImport
from transom.sync.supervisor import SyncSupervisor

HEALTHY = (ConnectionStatus.CONNECTED, ConnectionStatus.SECRET_EXPIRING)


class SyncService:
    def __init__(self, env: SyncEnv, supervisor: SyncSupervisor | None) -> None:
        self.env = env
        self.supervisor = supervisor

    async def connect_tenant(
        self,
        tenant_id: str,
        *,
        directory_id: str,
        client_id: str,
        client_secret: str | None,
        secret_expires_at: datetime | None,
        certificate_pem: str | None,
    ) -> ConnectionReport:
        await connection.save_credentials(
            self.env,
            tenant_id,
            directory_id=directory_id,
            client_id=client_id,
            client_secret=client_secret,
            secret_expires_at=secret_expires_at,
            certificate_pem=certificate_pem,
        )
        return await self.test_connection(tenant_id)

    async def test_connection(self, tenant_id: str) -> ConnectionReport:
        report = await connection.test_connection(self.env, tenant_id)
        if report.status in HEALTHY:
            await resume_tenant_writes(
                self.env.sessions,
                self.env.bus,
                tenant_id=tenant_id,
                now=self.env.clock(),
            )
        await self._signal({"type": "refresh"})
        return report

    async def import_rooms(self, tenant_id: str) -> RoomImport:
        with graph_failures_as_errors("importing rooms"):
            return await rooms_import.import_rooms(self.env, tenant_id)

    async def link_room(self, room_id: str, email: str) -> models.Room:
        await linking.start_link(self.env, room_id, email)
        if self.supervisor is not None:
            await self.supervisor.stop_room(room_id)
        room = await linking.verify_link(self.env, room_id)
        await self._signal({"type": "refresh"})
        return room

    async def unlink_room(self, room_id: str, *, confirm: bool) -> int:
        count = await linking.exchange_booking_count(self.env, room_id)
        if not confirm:
            raise InvalidInputError(
                f"Unlinking stops the sync, deletes the Graph subscription and "
                f"removes the {count} booking(s) that came from Exchange (bookings "
                "made in Transom stay). Send confirm: true to go ahead.",
                field="confirm",
            )
        if self.supervisor is not None:
            await self.supervisor.stop_room(room_id)
        _, removed = await linking.unlink(self.env, room_id)
        return removed

    async def sync_room(self, room_id: str) -> bool:
        """A full resync of the room now, wherever its loop runs; whether the
        loop runs in this process."""
        await self._signal({"type": "wake", "scope": "room", "id": room_id})
        return self.supervisor is not None and room_id in self.supervisor.loops

    async def sync_tenant(self, tenant_id: str) -> int:
        """Full resync of every linked room of the tenant, in every process;
        how many rooms that is."""
        await self._signal({"type": "wake", "scope": "tenant", "id": tenant_id})
        async with self.env.sessions() as session:
            return await room_repo.count_linked(session, tenant_id=tenant_id)

    async def refresh_directory(self, tenant: models.Tenant) -> PeopleImport:
        """Import the tenant's directory now; newcomers' calendar loops start."""
        # A fresh token, like a connection test: asked for by an admin, the
        # import says at once when Entra ID refuses the credentials.
        async with await self.env.clients.fresh(tenant) as client:
            found = await people_sync.sync_people_now(
                self.env.sessions, client, tenant_id=tenant.id, now=self.env.clock()
            )
        await self.sync_people(tenant.id)
        return found

    async def connect_calendars(
        self, tenant: models.Tenant
    ) -> tuple[PeopleImport, CalendarConnection]:
        """Import the directory and check every calendar; the readable ones'
        loops start now."""
        async with await self.env.clients.fresh(tenant) as client:
            found = await people_sync.connect_calendars_now(
                self.env.sessions, client, tenant_id=tenant.id, now=self.env.clock()
            )
        await self.sync_people(tenant.id)
        return found

    async def disconnect_calendars(self, tenant_id: str) -> int:
        """Stop following every calendar of the tenant and delete what Transom
        kept of them (nothing in Exchange); how many people that was."""
        person_ids = await people_disconnect.mark_disconnected(self.env, tenant_id)
        await self.sync_people(tenant_id)  # every process stops their loops
        if self.supervisor is not None:
            for person_id in person_ids:
                await self.supervisor.stop_loop(person_key(person_id))
        await people_disconnect.forget_calendars(self.env, tenant_id, person_ids)
        await self.env.tenant_changed(tenant_id)
        return len(person_ids)

    async def sync_people(self, tenant_id: str, *, full: bool = False) -> None:
        """People were connected or their settings changed: every process
        starts, stops or wakes their calendar loops now."""
        await self._signal(
            {"type": "wake", "scope": "people", "id": tenant_id, "full": full}
        )

    async def _signal(self, event: dict[str, object]) -> None:
        """Tell every process's supervisor (this one's too, over the bus)."""
        await self.env.bus.publish(SYNC_CHANNEL, event)
