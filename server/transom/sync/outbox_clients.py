"""One Graph client per tenant for the outbox worker, rebuilt when credentials change.

A client caches its token, so the worker keeps one per tenant rather than one per
write. Saving new credentials changes the tenant's fingerprint: the old client
is closed and a new one built on the next write. ``aclose`` closes them all.
"""

from __future__ import annotations

import anyio

from transom.db import models
from transom.graph import GraphTenantClient
from transom.security import SecretBox
from transom.settings import Settings
from transom.sync.credentials import credentials_fingerprint, graph_client_for

Fingerprint = tuple[str | None, ...]


class TenantClients:
    def __init__(self, settings: Settings, secret_box: SecretBox) -> None:
        self._settings = settings
        self._secret_box = secret_box
        self._clients: dict[str, tuple[Fingerprint, GraphTenantClient]] = {}
        self._lock = anyio.Lock()

    async def client_for(self, tenant: models.Tenant) -> GraphTenantClient:
        fingerprint = credentials_fingerprint(tenant)
        async with self._lock:
            known = self._clients.get(tenant.id)
            if known is not None and known[0] == fingerprint:
                return known[1]
            client = await graph_client_for(tenant, self._settings, self._secret_box)
            self._clients[tenant.id] = (fingerprint, client)
        if known is not None:
            await known[1].aclose()
        return client

    async def aclose(self) -> None:
        clients, self._clients = self._clients, {}
        with anyio.CancelScope(shield=True):
            for _, client in clients.values():
                await client.aclose()
