"""Disconnecting a tenant's calendars: Transom stops following them.

``mark_disconnected`` turns every connected person (SYNCING, SYNCED, ERROR,
ACCESS_DENIED) NOT_CONNECTED; from then on their loops store nothing and
change no status (``sync.calendars.people`` checks in each write), and every
process's supervisor stops them when told. ``forget_calendars`` then deletes
what Transom kept of those calendars: their Graph subscriptions (best effort:
one Graph no longer has expires by itself, and notifications for it are
ignored), their sync state and delta links, and their busy slots. Nothing is
deleted in Exchange; people, their switches and their absences stay.
"""

from __future__ import annotations

import anyio
from sqlalchemy import delete, select

from transom.db import models
from transom.domain.directory import CalendarStatus
from transom.domain.errors import NotFoundError
from transom.graph import GraphError
from transom.pubsub import person_channel
from transom.sync.calendars.subscriptions import delete_subscription
from transom.sync.credentials import MissingCredentialsError
from transom.sync.env import SyncEnv

CONNECTED = (
    CalendarStatus.SYNCING.value,
    CalendarStatus.SYNCED.value,
    CalendarStatus.ERROR.value,
    CalendarStatus.ACCESS_DENIED.value,
)
GRAPH_TIMEOUT = 30.0


async def mark_disconnected(env: SyncEnv, tenant_id: str) -> list[str]:
    """Every connected person of the tenant NOT_CONNECTED; their ids."""
    async with env.sessions() as session:
        if await session.get(models.Tenant, tenant_id) is None:
            raise NotFoundError.of("Tenant", tenant_id)
        people = (
            await session.scalars(
                select(models.Person).where(
                    models.Person.tenant_id == tenant_id,
                    models.Person.calendar_status.in_(CONNECTED),
                )
            )
        ).all()
        for person in people:
            person.calendar_status = CalendarStatus.NOT_CONNECTED.value
            person.calendar_error = person.calendar_hint = None
        await session.commit()
    return [p.id for p in people]


async def forget_calendars(env: SyncEnv, tenant_id: str, person_ids: list[str]) -> None:
    """Delete the subscriptions, sync states and busy slots of those people."""
    if not person_ids:
        return
    async with env.sessions() as session:
        tenant = await session.get(models.Tenant, tenant_id)
        states = (
            await session.scalars(
                select(models.MailboxSyncState).where(
                    models.MailboxSyncState.person_id.in_(person_ids)
                )
            )
        ).all()
        await session.commit()
    subscribed = [s for s in states if s.subscription_id]
    if tenant is not None and subscribed:
        try:
            graph = await env.clients.client(tenant)
            with anyio.fail_after(GRAPH_TIMEOUT):
                for state in subscribed:
                    try:
                        await delete_subscription(env, graph, state)
                    except GraphError:
                        env.subscriptions.pop(str(state.subscription_id), None)
        except (GraphError, MissingCredentialsError, TimeoutError):
            for state in subscribed:
                env.subscriptions.pop(str(state.subscription_id), None)
    async with env.sessions() as session:
        await session.execute(
            delete(models.MailboxSyncState).where(
                models.MailboxSyncState.person_id.in_(person_ids)
            )
        )
        await session.execute(
            delete(models.PersonBusySlot).where(
                models.PersonBusySlot.person_id.in_(person_ids)
            )
        )
        await session.commit()
    for person_id in person_ids:
        await env.bus.publish(
            person_channel(person_id), {"type": "person", "personId": person_id}
        )
