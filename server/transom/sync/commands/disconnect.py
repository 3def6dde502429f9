"""Disconnect a tenant: stop its sync, delete its Graph subscriptions, delete
its data in Transom. Nothing is ever deleted in Exchange.

Order: (1) the tenant is marked DISABLED with its client id cleared, so no
process wants its loops any more, and this process's loops are stopped; (2)
each Graph change-notification subscription of its mailboxes is deleted with
a fresh client, where the credentials still work (one that cannot be deleted
expires by itself within days, and its notifications are ignored); (3) the
tenant row is deleted, and the database cascades to its rooms, bookings,
people, absences, displays, tokens, admins, sync state, outbox and log; (4)
the open websockets of its displays, tokens and admins' sessions are told,
so they close.
"""

from __future__ import annotations

from typing import Any

import anyio
from sqlalchemy import delete, func, select

from transom.admin_auth.sessions import session_credential
from transom.db import models
from transom.domain.connection import ConnectionStatus
from transom.domain.errors import NotFoundError
from transom.domain.onboarding import TenantData
from transom.graph import GraphError
from transom.pubsub import access_channel
from transom.sync.credentials import MissingCredentialsError
from transom.sync.env import SyncEnv

DELETE_TIMEOUT = 10.0


async def tenant_data(env: SyncEnv, tenant_id: str) -> TenantData:
    async with env.sessions() as session:
        tenant = await session.get(models.Tenant, tenant_id)
        if tenant is None:
            raise NotFoundError.of("Tenant", tenant_id)

        async def count(column: Any) -> int:
            found = await session.scalar(
                select(func.count()).where(column == tenant_id)
            )
            return int(found or 0)

        return TenantData(
            tenant.name,
            await count(models.Room.tenant_id),
            await count(models.Booking.tenant_id),
            await count(models.Person.tenant_id),
            await count(models.Absence.tenant_id),
            await count(models.Display.tenant_id),
        )


async def stop_sync(env: SyncEnv, tenant_id: str) -> models.Tenant:
    """No process wants the tenant's loops from now on; the tenant as it was."""
    async with env.sessions() as session:
        tenant = await session.get(models.Tenant, tenant_id)
        if tenant is None:
            raise NotFoundError.of("Tenant", tenant_id)
        before = models.Tenant(
            id=tenant.id,
            name=tenant.name,
            directory_id=tenant.directory_id,
            client_id=tenant.client_id,
            client_secret_encrypted=tenant.client_secret_encrypted,
            client_certificate_encrypted=tenant.client_certificate_encrypted,
        )
        tenant.connection_status = ConnectionStatus.DISABLED.value
        tenant.connection_message = "Disconnecting"
        tenant.client_id = None
        await session.commit()
    return before


async def delete_subscriptions(env: SyncEnv, tenant: models.Tenant) -> tuple[int, int]:
    """Delete the tenant's Graph subscriptions; (deleted, left to expire)."""
    async with env.sessions() as session:
        ids = list(
            await session.scalars(
                select(models.MailboxSyncState.subscription_id).where(
                    models.MailboxSyncState.tenant_id == tenant.id,
                    models.MailboxSyncState.subscription_id.is_not(None),
                )
            )
        )
    for subscription_id in ids:
        env.subscriptions.pop(str(subscription_id), None)
    if not ids:
        return 0, 0
    deleted = 0
    try:
        async with await env.clients.fresh(tenant) as graph:
            for subscription_id in ids:
                try:
                    with anyio.fail_after(DELETE_TIMEOUT):
                        await graph.delete_subscription(str(subscription_id))
                    deleted += 1
                except (GraphError, TimeoutError):
                    continue  # it expires by itself within days
    except (MissingCredentialsError, ValueError):
        pass  # no usable credentials: the subscriptions expire by themselves
    return deleted, len(ids) - deleted


async def delete_tenant(env: SyncEnv, tenant_id: str) -> None:
    """Delete the tenant and (by cascade) everything of it; tell its sockets."""
    async with env.sessions() as session:
        credentials = list(
            await session.scalars(
                select(models.Display.id).where(models.Display.tenant_id == tenant_id)
            )
        ) + list(
            await session.scalars(
                select(models.ApiToken.id).where(models.ApiToken.tenant_id == tenant_id)
            )
        )
        credentials += [
            session_credential(str(session_id))
            for session_id in await session.scalars(
                select(models.AdminSession.id)
                .join(models.AdminUser)
                .where(models.AdminUser.tenant_id == tenant_id)
            )
        ]
        await session.execute(
            delete(models.Tenant).where(models.Tenant.id == tenant_id)
        )
        await session.commit()
    env.clients.forget(tenant_id)
    for credential in credentials:
        await env.bus.publish(access_channel(str(credential)), {"type": "revoked"})
    await env.tenant_changed(tenant_id)
