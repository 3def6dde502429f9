"""What every sync component shares: settings, sessions, clock, bus, Graph clients.

``SyncEnv`` is built once by the app's lifespan (or by a test / the demo) and
passed down; its ``clients`` (``sync.graph_clients.TenantClients``) are the
process's one cache of Graph clients, shared by the loops, the outbox and the
commands the API calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transom.db.engine import Sessions
from transom.domain.clock import Clock, system_clock
from transom.graph import GraphLimits, RequestCounter
from transom.pubsub import Bus, room_channel, tenant_channel
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.calendars.subjects import SubjectCache
from transom.sync.graph_clients import TenantClients

wall_clock: Clock = system_clock
"""Bookkeeping stamps (resync rounds) always use real time, whatever ``clock``."""


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

    async def room_changed(
        self, tenant_id: str, room_id: str, *, notified_at: float | None = None
    ) -> None:
        """Publish after commit: subscriptions reload the room.
        ``notified_at``: the Graph notification that caused it reached the
        webhook then (``notifiedAt``: the notification → push latency)."""
        event: dict[str, object] = {
            "type": "room",
            "roomId": room_id,
            "tenantId": tenant_id,
        }
        if notified_at is not None:
            event["notifiedAt"] = notified_at
        await self.bus.publish(room_channel(room_id), event)
        await self.bus.publish(tenant_channel(tenant_id), event)

    async def tenant_changed(self, tenant_id: str) -> None:
        await self.bus.publish(
            tenant_channel(tenant_id), {"type": "tenant", "tenantId": tenant_id}
        )
