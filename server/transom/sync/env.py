"""What every sync component shares: settings, sessions, clock, bus, Graph clients.

``SyncEnv`` is built once by the app's lifespan (or by a test / the demo) and
passed down. ``TenantClients`` keeps one ``GraphTenantClient`` per tenant and
rebuilds it when the admin saves new credentials; replaced clients are closed at
shutdown (a loop may still be finishing a request on one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from transom.db import models
from transom.db.engine import Sessions
from transom.graph import GraphLimits, GraphTenantClient, RequestCounter
from transom.pubsub import Bus, room_channel, tenant_channel
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.credentials import credentials_fingerprint, graph_client_for
from transom.sync.subjects import SubjectCache

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    """Bookkeeping stamps (resync rounds) always use real time."""
    return datetime.now(UTC)


class TenantClients:
    def __init__(
        self,
        settings: Settings,
        secret_box: SecretBox,
        counter: RequestCounter | None = None,
        limits: GraphLimits | None = None,
    ) -> None:
        self._settings = settings
        self._box = secret_box
        self._counter = counter
        self._limits = limits
        self._clients: dict[str, tuple[Any, GraphTenantClient]] = {}
        self._retired: list[GraphTenantClient] = []

    async def client(self, tenant: models.Tenant) -> GraphTenantClient:
        fingerprint = credentials_fingerprint(tenant)
        found = self._clients.get(tenant.id)
        if found is not None and found[0] == fingerprint:
            return found[1]
        if found is not None:
            self._retired.append(found[1])
        client = await self.fresh(tenant)
        self._clients[tenant.id] = (fingerprint, client)
        return client

    def forget(self, tenant_id: str) -> None:
        """Drop the tenant's client (Graph refused its token): the next
        ``client()`` builds a new one, which asks Entra ID for a new token."""
        found = self._clients.pop(tenant_id, None)
        if found is not None:
            self._retired.append(found[1])

    async def fresh(self, tenant: models.Tenant) -> GraphTenantClient:
        """A new client (new token): for connection tests after a change."""
        return await graph_client_for(
            tenant,
            self._settings,
            self._box,
            request_counter=self._counter,
            limits=self._limits,
        )

    async def aclose(self) -> None:
        clients = [c for _, c in self._clients.values()] + self._retired
        self._clients.clear()
        self._retired.clear()
        for client in clients:
            await client.aclose()


@dataclass
class SyncEnv:
    settings: Settings
    sessions: Sessions
    bus: Bus
    clock: Clock
    clients: TenantClients
    secret_box: SecretBox
    # subscription id -> (room id, clientState), read by the webhook endpoint
    subscriptions: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    subjects: SubjectCache = field(default_factory=SubjectCache)

    @classmethod
    def create(
        cls,
        settings: Settings,
        sessions: Sessions,
        bus: Bus,
        clock: Clock,
        *,
        counter: RequestCounter | None = None,
        limits: GraphLimits | None = None,
    ) -> SyncEnv:
        box = SecretBox(str(settings.secret_key))
        clients = TenantClients(settings, box, counter, limits)
        return cls(settings, sessions, bus, clock, clients, box)

    async def room_changed(self, tenant_id: str, room_id: str) -> None:
        """Publish after commit: subscriptions reload the room."""
        event = {"type": "room", "roomId": room_id, "tenantId": tenant_id}
        await self.bus.publish(room_channel(room_id), event)
        await self.bus.publish(tenant_channel(tenant_id), event)

    async def tenant_changed(self, tenant_id: str) -> None:
        await self.bus.publish(
            tenant_channel(tenant_id), {"type": "tenant", "tenantId": tenant_id}
        )
