"""The process's Graph clients: one ``GraphTenantClient`` per tenant.

A client caches its token, so loops, the outbox workers and the commands the
API calls share one per tenant instead of building their own. Saving new
credentials changes the tenant's fingerprint: the next ``client()`` builds a
new one. Replaced clients are closed at shutdown (a loop may still be
finishing a request on one); ``forget`` drops a client whose token Graph
refused, so the next one asks Entra ID afresh.
"""

from __future__ import annotations

from typing import Any

import anyio

from transom.db import models
from transom.graph import GraphLimits, GraphTenantClient, RequestCounter
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.credentials import credentials_fingerprint, graph_client_for


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
        self._lock = anyio.Lock()

    async def client(self, tenant: models.Tenant) -> GraphTenantClient:
        fingerprint = credentials_fingerprint(tenant)
        async with self._lock:
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
        with anyio.CancelScope(shield=True):
            for client in clients:
                await client.aclose()
