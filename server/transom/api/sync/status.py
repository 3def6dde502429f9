"""Sync status (per room and per tenant), resync mutations and free-room search."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from transom.api.bookings.types import check_range
from transom.api.context import Info
from transom.api.enums import LogLevel, SyncHealth, SyncMode
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import Room, visible_room
from transom.api.scope import tenant_scope
from transom.api.sync.health import health_at, stale_limit
from transom.api.tenants.connection import admin_tenant, sync_commands
from transom.api.tenants.types import visible_tenant
from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import rooms as room_repo
from transom.db import sync_status as status_repo
from transom.domain.sync_health import Verdict

MAX_LOG = 200


@strawberry.type(description="A room's calendar sync with its Exchange mailbox.")
class RoomSync:
    status: SyncHealth = strawberry.field(
        description="How the sync stands; only IN_SYNC is known current."
    )
    since: datetime | None = strawberry.field(
        description="Since when the status holds (STALE: the last completed round)."
    )
    problem: str | None = strawberry.field(
        description="What is wrong when the status is POLLING, DEGRADED or STALE."
    )
    mode: SyncMode = strawberry.field(description="Notifications or polling.")
    last_synced_at: datetime | None = strawberry.field(
        description="When the last delta round completed."
    )
    last_error: str | None = strawberry.field(
        description="What went wrong last; null when the last round succeeded."
    )
    error_code: str | None = strawberry.field(description="Graph's error code.")
    hint: str | None = strawberry.field(description="How to fix the error.")
    subscription_expires_at: datetime | None = strawberry.field(
        description="When the Graph change subscription expires (UTC; renewed before); null while polling."
    )

    @classmethod
    def from_model(cls, row: models.MailboxSyncState, verdict: Verdict) -> RoomSync:
        return cls(
            status=SyncHealth(verdict.health.value),
            since=verdict.since,
            problem=verdict.reason,
            mode=SyncMode(row.mode),
            last_synced_at=row.last_synced_at,
            last_error=row.last_error,
            error_code=row.error_code,
            hint=row.error_hint,
            subscription_expires_at=row.subscription_expires_at,
        )


@strawberry.type(description="Something the sync engine wants an admin to see.")
class SyncLogEntry:
    level: LogLevel = strawberry.field(description="How much it needs an admin.")
    message: str = strawberry.field(description="What happened, in plain words.")
    code: str | None = strawberry.field(
        description="Graph's or Transom's error code; null when none."
    )
    hint: str | None = strawberry.field(
        description="How to fix it; null when nothing to do."
    )
    room_id: strawberry.ID | None = strawberry.field(
        description="The room concerned; null for the whole tenant."
    )
    mailbox: str | None = strawberry.field(
        description="The mailbox concerned; null for the whole tenant."
    )
    created_at: datetime = strawberry.field(description="When it was logged (UTC).")
    resolved_at: datetime | None = strawberry.field(
        description="When its cause was gone (a subscription made after "
        "polling, notifications seen again); null while it holds."
    )


@strawberry.type(description="A tenant's sync: mode, rooms by status, recent log.")
class TenantSyncStatus:
    mode: SyncMode = strawberry.field(
        description="POLLING when any linked room is polled instead of notified."
    )
    rooms_by_status: list[RoomSyncCount] = strawberry.field(
        description="How many linked rooms have each status (only statuses with rooms)."
    )
    log: list[SyncLogEntry] = strawberry.field(description="Newest first.")


@strawberry.type(description="How many rooms have a sync status.")
class RoomSyncCount:
    status: SyncHealth = strawberry.field(description="A sync status.")
    count: int = strawberry.field(description="Linked rooms with that status.")


def health_of(info: Info, row: models.MailboxSyncState) -> Verdict:
    """The mailbox's sync health now (``transom.domain.sync_health``)."""
    limit = stale_limit(info.context.services.settings)
    return health_at(row, info.context.now, limit)


async def room_sync(info: Info, room_id: str) -> RoomSync | None:
    row = await info.context.loaders.sync_state.load(room_id)
    return None if row is None else RoomSync.from_model(row, health_of(info, row))


@strawberry.type
class SyncQueries:
    @strawberry.field(
        description="Rooms with no active booking overlapping [start, end), from "
        "the synced data, by building and name."
    )
    async def find_free_rooms(
        self,
        info: Info,
        start: Annotated[
            datetime, strawberry.argument(description="From (with a UTC offset).")
        ],
        end: Annotated[
            datetime,
            strawberry.argument(
                description="Until, exclusive; at most 93 days after start."
            ),
        ],
        min_capacity: Annotated[
            int | None,
            strawberry.argument(
                description="Only rooms with at least this many seats."
            ),
        ] = None,
        building: Annotated[
            str | None,
            strawberry.argument(
                description="Only rooms in this building (exact name)."
            ),
        ] = None,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant: superadmins may pick any; others may give only their own. Omitted: your tenant (every tenant for a superadmin)."
            ),
        ] = None,
    ) -> list[Room] | None:
        check_range(start, end)
        viewer = await info.context.viewer()
        scope = tenant_scope(viewer, tenant_id)
        room_filter = room_repo.RoomFilter(building, min_capacity, None)
        async with info.context.db() as session:
            rooms = await room_repo.list_rooms(
                session, tenant_id=scope, room_filter=room_filter
            )
            busy = await booking_repo.bookings_in_range(
                session,
                room_ids=[r.id for r in rooms],
                start=start,
                end=end,
                active_only=True,
            )
        return [Room.from_model(r) for r in rooms if not busy[r.id]]

    @strawberry.field(description="The tenant's sync mode, room statuses and log.")
    async def tenant_sync_status(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The tenant (yours, unless you are a superadmin)."
            ),
        ],
        log_limit: Annotated[
            int,
            strawberry.argument(
                description="How many log entries, 1 to 200 (outside: clamped)."
            ),
        ] = 50,
        include_resolved: Annotated[
            bool,
            strawberry.argument(
                description="Also list warnings whose cause is gone (resolvedAt set)."
            ),
        ] = False,
    ) -> TenantSyncStatus | None:
        await visible_tenant(info, tenant_id)
        async with info.context.db() as session:
            states = await status_repo.states_of_tenant(session, tenant_id=tenant_id)
            entries = await status_repo.sync_log(
                session,
                tenant_id=tenant_id,
                limit=max(1, min(log_limit, MAX_LOG)),
                include_resolved=include_resolved,
            )
        counts: dict[str, int] = {}
        for row in states:
            if row.room_id is None:
                continue  # people's calendars are counted by peopleCalendarProgress
            health = health_of(info, row).health.value
            counts[health] = counts.get(health, 0) + 1
        polling = any(row.mode == "POLLING" for row in states)
        return TenantSyncStatus(
            mode=SyncMode.POLLING if polling else SyncMode.NOTIFICATIONS,
            rooms_by_status=[
                RoomSyncCount(status=SyncHealth(s), count=c)
                for s, c in sorted(counts.items())
            ],
            log=[
                SyncLogEntry(
                    level=LogLevel(e.level),
                    message=e.message,
                    code=e.code,
                    hint=e.hint,
                    room_id=strawberry.ID(e.room_id) if e.room_id else None,
                    mailbox=e.mailbox,
                    created_at=e.created_at,
                    resolved_at=e.resolved_at,
                )
                for e in entries
            ],
        )


@strawberry.type(description="What syncRoom answers.")
class SyncRoomPayload(Payload):
    room: Room | None = strawberry.field(
        default=None, description="The room being resynced; null when refused."
    )


@strawberry.type(description="What syncTenant answers.")
class SyncTenantPayload(Payload):
    synced_rooms: int | None = strawberry.field(
        default=None,
        description="How many linked rooms are being resynced; null when refused.",
    )


@strawberry.type
class SyncMutations:
    @strawberry.mutation(
        description="Resync the room from Exchange now (a full read of its window)."
    )
    async def sync_room(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID, strawberry.argument(description="The room to sync now.")
        ],
    ) -> SyncRoomPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_admin()
            row = await visible_room(info, room_id)
            await sync_commands(info).sync_room(room_id)
            return SyncRoomPayload(room=Room.from_model(row))
        return errors.payload(SyncRoomPayload)

    @strawberry.mutation(description="Resync every linked room of the tenant now.")
    async def sync_tenant(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The tenant whose rooms to sync now."),
        ],
    ) -> SyncTenantPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, tenant_id)
            return SyncTenantPayload(
                synced_rooms=await sync_commands(info).sync_tenant(tenant_id)
            )
        return errors.payload(SyncTenantPayload)
