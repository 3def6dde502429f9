"""Writes to Microsoft 365 waiting, held or failed: list them, retry or drop them (admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from transom.api.context import Info
from transom.api.enums import OutboxKind, OutboxStatus
from transom.api.node import Node
from transom.api.pagination import DEFAULT_PAGE, Connection, to_connection
from transom.api.payloads import Payload, UserErrors
from transom.api.scope import tenant_scope
from transom.db import models
from transom.db import outbox as outbox_repo
from transom.domain.access import Viewer
from transom.domain.errors import NotFoundError
from transom.pubsub import OUTBOX_CHANNEL, room_channel, tenant_channel
from transom.sync.commands.outbox import drop_item, retry_item


@strawberry.type(description="One write to Microsoft 365 (e.g. a booking's event).")
class OutboxItem(Node):
    id: strawberry.ID = strawberry.field(description="The write's id.")
    tenant_id: strawberry.ID = strawberry.field(description="The tenant it writes for.")
    kind: OutboxKind = strawberry.field(description="What the write does.")
    status: OutboxStatus = strawberry.field(description="Where the write stands.")
    attempts: int = strawberry.field(description="Attempts since the last retry.")
    next_attempt_at: datetime = strawberry.field(
        description="When it runs next (PENDING) or its lease ends (RUNNING)."
    )
    last_error: str | None = strawberry.field(description="What went wrong last.")
    last_error_code: str | None = strawberry.field(
        description="The Graph or AADSTS error code."
    )
    hint: str | None = strawberry.field(description="How to fix it.")
    booking_id: strawberry.ID | None = strawberry.field(
        description="The booking it writes; null for other writes (absences)."
    )
    created_at: datetime = strawberry.field(description="When it was queued (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")

    @classmethod
    def from_model(cls, row: models.OutboxItem) -> OutboxItem:
        booking = strawberry.ID(row.booking_id) if row.booking_id else None
        return cls(
            id=strawberry.ID(row.id),
            tenant_id=strawberry.ID(row.tenant_id),
            kind=OutboxKind(row.kind),
            status=OutboxStatus(row.status),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            last_error_code=row.last_error_code,
            hint=(row.result or {}).get("hint"),
            booking_id=booking,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


async def _admin(info: Info) -> Viewer:
    viewer = await info.context.viewer()
    viewer.require_admin()
    return viewer


@strawberry.type
class OutboxQueries:
    @strawberry.field(
        description="Writes to Microsoft 365, oldest first (admins; a superadmin "
        "sees every tenant unless tenantId is given)."
    )
    async def outbox_items(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant: superadmins may pick any; others may give only their own. Omitted: your tenant (every tenant for a superadmin)."
            ),
        ] = None,
        status: Annotated[
            OutboxStatus | None,
            strawberry.argument(
                description="Only writes with this status; omitted: every status."
            ),
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_PAGE,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The endCursor of the page before; omit for the first page."
            ),
        ] = None,
    ) -> Connection[OutboxItem] | None:
        scope = tenant_scope(await _admin(info), tenant_id)
        wanted = status
        async with info.context.db() as session:
            page = await outbox_repo.page_items(
                session, tenant_id=scope, status=wanted, first=first, after=after
            )
        return to_connection(page, [OutboxItem.from_model(r) for r in page.items])


@strawberry.type(description="What retryOutboxItem answers.")
class RetryOutboxItemPayload(Payload):
    outbox_item: OutboxItem | None = strawberry.field(
        default=None, description="The write, queued again; null when refused."
    )


@strawberry.type(description="What dropOutboxItem answers.")
class DropOutboxItemPayload(Payload):
    outbox_item: OutboxItem | None = strawberry.field(
        default=None, description="The dropped write; null when refused."
    )


@strawberry.type
class OutboxMutations:
    @strawberry.mutation(
        description="Run a FAILED or HELD write again now (CONFLICT otherwise)."
    )
    async def retry_outbox_item(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The FAILED or HELD write to try again now."
            ),
        ],
    ) -> RetryOutboxItemPayload | None:
        with UserErrors(info) as errors:
            viewer = await _admin(info)
            async with info.context.db() as session:
                item = await _visible_item(session, viewer, id)
                retry_item(item, now=info.context.now)
                await session.commit()
            await info.context.services.bus.publish(OUTBOX_CHANNEL, {"type": "outbox"})
            await _publish_outbox_changed(info, item)
            return RetryOutboxItemPayload(outbox_item=OutboxItem.from_model(item))
        return errors.payload(RetryOutboxItemPayload)

    @strawberry.mutation(
        description="Give up a PENDING, HELD or FAILED write. A dropped booking "
        "create marks the booking DECLINED; a dropped cancel restores the booking."
    )
    async def drop_outbox_item(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The write to give up.")
        ],
    ) -> DropOutboxItemPayload | None:
        with UserErrors(info) as errors:
            viewer = await _admin(info)
            async with info.context.db() as session:
                item = await _visible_item(session, viewer, id)
                booking = await drop_item(session, item, now=info.context.now)
                await session.commit()
            if booking is not None:
                await info.context.services.bus.publish(
                    room_channel(booking.room_id),
                    {
                        "type": "booking",
                        "roomId": booking.room_id,
                        "bookingId": booking.id,
                    },
                )
            await _publish_outbox_changed(info, item)
            return DropOutboxItemPayload(outbox_item=OutboxItem.from_model(item))
        return errors.payload(DropOutboxItemPayload)


async def _publish_outbox_changed(info: Info, item: models.OutboxItem) -> None:
    """Other admins' open sync logs (tenantSync) reload the list."""
    await info.context.services.bus.publish(
        tenant_channel(item.tenant_id),
        {"type": "outbox", "tenantId": item.tenant_id, "itemId": item.id},
    )


async def _visible_item(
    session: AsyncSession, viewer: Viewer, item_id: str
) -> models.OutboxItem:
    item = await outbox_repo.get_item(
        session,
        item_id=item_id,
        tenant_id=None if viewer.is_superadmin else viewer.tenant_id,
    )
    if item is None:
        raise NotFoundError.of("OutboxItem", item_id)
    return item
