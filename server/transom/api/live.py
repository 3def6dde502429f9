"""Subscriptions: live room status, a room's day and a tenant's sync, over websockets.

Each subscription waits on the bus for id-only events, then reloads through the
process-wide :class:`~transom.api.rooms.snapshots.RoomSnapshots` (one short
session per reload, shared by every subscriber of the room) and re-checks the
tenant. What it pushes is built once per snapshot and kind of viewer (door
displays see bookings masked by the tenant's privacy settings, others as they
are) and executed once per operation (:mod:`transom.api.shared_events`), so a
change reaching a thousand displays of one room costs one query, one GraphQL
execution and a thousand websocket writes. A subscription also wakes when the
clock passes the next start or end (or "starting soon"), and at least every
minute (``Settings.live_recheck_seconds``), so a missed event never leaves a
screen stale for long. Each push goes out only when its result differs from the
last one this subscriber received (:mod:`transom.api.changes_only`): a re-check
or an event that changes nothing it shows sends nothing. A door display's
subscription ends when the display is revoked.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo

import strawberry

from transom.api.bookings.types import Booking
from transom.api.context import Context, Info
from transom.api.displays.view import for_viewer
from transom.api.enums import RoomState
from transom.api.rooms.snapshots import RoomSnapshot
from transom.api.rooms.types import RoomStatus, status_of
from transom.api.shared_events import SharedEvent
from transom.api.sync.health import health_at
from transom.api.tenants.types import Tenant, visible_tenant
from transom.db import displays as display_repo
from transom.db import tenants as tenant_repo
from transom.domain.access import Role, Viewer
from transom.domain.bookings import STARTING_SOON, occupies_room
from transom.domain.displays import needs_touch
from transom.domain.errors import NotFoundError, UnauthenticatedError
from transom.domain.sync_health import SyncHealth
from transom.pubsub import room_channel, tenant_channel
from transom.telemetry.push_latency import observe_pushed

Event = dict[str, Any]


@strawberry.type(description="A room's day: its status and its bookings today.")
class RoomDay:
    room_id: strawberry.ID = strawberry.field(description="The room.")
    start: datetime = strawberry.field(
        description="Midnight today in the room's time zone (else the tenant's)."
    )
    end: datetime = strawberry.field(description="Midnight tonight.")
    status: RoomStatus = strawberry.field(description="The room's state now.")
    bookings: list[Booking] = strawberry.field(
        description="Bookings overlapping the day in start order, every state "
        "(PENDING, CONFIRMED, DECLINED, CANCELLED), so a display can show a "
        "request's outcome."
    )
    may_be_stale: bool = strawberry.field(
        description="True when the room's sync is not known to be current "
        "(notifications lost, no recent delta round, errors): what is shown may "
        "miss recent changes made in Outlook."
    )
    stale_since: datetime | None = strawberry.field(
        description="Since when ``mayBeStale`` holds (null when it does not)."
    )
    as_of: datetime = strawberry.field(
        description="When the server began reading the room and bookings this "
        "day shows (its clock, UTC). Of two days of the room, the one with the "
        "later asOf is at least as new: a display that follows `roomBookings` "
        "keeps a `roomDay` answer only when it is not older than what it shows."
    )


@strawberry.type(description="Something changed in a tenant: reload what you show.")
class TenantSync:
    tenant: Tenant = strawberry.field(description="The tenant as it is now.")
    kind: str = strawberry.field(
        description="What changed: room, booking, sync, display, tenantSettings…"
    )
    room_id: strawberry.ID | None = strawberry.field(
        description="The room concerned, if one."
    )
    at: datetime = strawberry.field(description="When it changed (UTC).")


@strawberry.type
class RoomDayQueries:
    @strawberry.field(
        description="The room's day now: what `roomBookings` pushes, fetched once "
        "(a display refetches this on reconnect, before resubscribing)."
    )
    async def room_day(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The room (a display may ask only for its own)."
            ),
        ],
    ) -> RoomDay | None:
        # The room's snapshot as long as nothing changed it (no query per
        # request), and the day built from it once per kind of viewer.
        viewer = await info.context.viewer()
        return cast(RoomDay, (await day_of(info.context, room_id, viewer)).value)


@strawberry.type
class RoomSubscriptions:
    @strawberry.subscription(
        description="The room's status now, then again whenever it changes: a "
        "booking changes or the clock passes a meeting's start or end."
    )
    async def room_status(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The room to follow (a display: only its own)."
            ),
        ],
    ) -> AsyncGenerator[RoomStatus, None]:
        async for event in _room_feed(info, room_id, _status_view):
            yield cast(RoomStatus, event)  # SharingExecutor unwraps it

    @strawberry.subscription(
        description="The room's day (status and today's bookings) now, then again "
        "whenever a booking changes, a meeting starts or ends, or the day turns."
    )
    async def room_bookings(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The room to follow (a display: only its own)."
            ),
        ],
    ) -> AsyncGenerator[RoomDay, None]:
        async for event in _room_feed(info, room_id, day_view):
            yield cast(RoomDay, event)  # SharingExecutor unwraps it

    @strawberry.subscription(
        description="The tenant now, then again whenever something of it changes "
        "(sync state, rooms, bookings, displays, settings). For admin screens."
    )
    async def tenant_sync(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The tenant to follow (yours, unless you are a superadmin)."
            ),
        ],
    ) -> AsyncGenerator[TenantSync, None]:
        viewer = await info.context.viewer()
        if viewer.is_display:
            raise NotFoundError.of("Tenant", tenant_id)
        await visible_tenant(info, tenant_id)
        event: Event = {"type": "subscribed"}
        async with info.context.services.bus.subscribe(
            tenant_channel(tenant_id)
        ) as events:
            while True:
                async with info.context.db() as session:
                    row = await tenant_repo.get_tenant(session, tenant_id=tenant_id)
                if row is None:
                    raise NotFoundError.of("Tenant", tenant_id)
                room_id = event.get("roomId")
                yield TenantSync(
                    tenant=Tenant.from_model(row),
                    kind=str(event.get("type", "changed")),
                    room_id=strawberry.ID(room_id) if room_id else None,
                    at=info.context.now,
                )
                event = await events.get()


def _status(snapshot: RoomSnapshot, now: datetime) -> RoomStatus:
    return status_of([b for b in snapshot.bookings if occupies_room(b.state)], now)


def room_day(snapshot: RoomSnapshot, now: datetime, viewer: Viewer) -> RoomDay:
    """The day around ``now`` from a snapshot, shown as ``viewer`` may see it."""
    assert snapshot.room is not None
    start, end = day_bounds(snapshot, now)
    rows = [b for b in snapshot.bookings if b.start < end and b.end > start]
    stale_since = _stale_since(snapshot, now)
    return RoomDay(
        room_id=strawberry.ID(snapshot.room.id),
        start=start,
        end=end,
        status=_status(snapshot, now),
        bookings=[for_viewer(row, snapshot.tenant, viewer) for row in rows],
        may_be_stale=stale_since is not None,
        stale_since=stale_since,
        as_of=snapshot.loaded_for,
    )


CURRENT = (SyncHealth.IN_SYNC, SyncHealth.POLLING, SyncHealth.SYNCING, SyncHealth.IDLE)


def _stale_since(snapshot: RoomSnapshot, now: datetime) -> datetime | None:
    """When the room's data stopped being known current; None while it is."""
    row = snapshot.sync_state
    if row is None:
        return None
    found = health_at(row, now, snapshot.stale_limit)
    if found.health in CURRENT:
        return None
    return found.since or now


def _turns_stale(snapshot: RoomSnapshot, now: datetime) -> datetime | None:
    """When the data turns stale without any event (no round for too long)."""
    row = snapshot.sync_state
    if row is None or row.last_synced_at is None:
        return None
    moment = row.last_synced_at + snapshot.stale_limit
    return moment if moment > now else None


def day_bounds(snapshot: RoomSnapshot, now: datetime) -> tuple[datetime, datetime]:
    zone_name = (snapshot.room.time_zone if snapshot.room else None) or (
        snapshot.tenant.time_zone if snapshot.tenant else None
    )
    zone = ZoneInfo(zone_name or "UTC")
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = midnight + timedelta(days=1)  # wall-clock arithmetic: DST-safe
    return midnight.astimezone(now.tzinfo), tomorrow.astimezone(now.tzinfo)


@dataclass(frozen=True)
class _View:
    """What one kind of viewer is pushed from a snapshot, the same for any
    moment in [at, changes)."""

    at: datetime
    changes: datetime | None
    event: SharedEvent


ViewOf = Callable[[RoomSnapshot, datetime, Viewer], _View]


def _shared(
    snapshot: RoomSnapshot,
    key: Hashable,
    now: datetime,
    build: Callable[[], tuple[object, datetime | None]],
) -> _View:
    """The snapshot's view ``key`` at ``now``: built once for every subscriber
    woken by the same change (or the same turn of the clock)."""
    view = snapshot.views.get(key)
    if (
        isinstance(view, _View)
        and view.at <= now
        and (view.changes is None or now < view.changes)
    ):
        return view
    value, changes = build()
    view = _View(at=now, changes=changes, event=SharedEvent(value))
    snapshot.views[key] = view
    return view


def _next_change(snapshot: RoomSnapshot, now: datetime) -> datetime | None:
    """When the status at ``now`` turns: a start, an end, or "starting soon"."""
    status = _status(snapshot, now)
    if status.state is RoomState.FREE and status.until is not None:
        soon = status.until - STARTING_SOON
        if soon > now:
            return soon
    return status.until


def _status_view(snapshot: RoomSnapshot, now: datetime, _viewer: Viewer) -> _View:
    return _shared(
        snapshot,
        "status",
        now,
        lambda: (_status(snapshot, now), _next_change(snapshot, now)),
    )


def day_view(snapshot: RoomSnapshot, now: datetime, viewer: Viewer) -> _View:
    # Only door displays see bookings masked (display_view.for_viewer).
    def build() -> tuple[object, datetime | None]:
        _, day_end = day_bounds(snapshot, now)
        changes = [_next_change(snapshot, now), _turns_stale(snapshot, now), day_end]
        day = room_day(snapshot, now, viewer)
        return day, min(c for c in changes if c is not None)

    return _shared(snapshot, ("day", viewer.role is Role.DISPLAY), now, build)


async def _room_feed(
    info: Info, room_id: str, view_of: ViewOf
) -> AsyncIterator[SharedEvent]:
    """What to push of the room: now, after each event and when it changes."""
    viewer = await info.context.viewer()
    if viewer.room_id is not None and viewer.room_id != room_id:
        raise NotFoundError.of("Room", room_id)  # the rest: _recheck
    services = info.context.services
    # Re-check at least this often, so a missed wake-up never leaves a screen stale.
    recheck = services.settings.live_recheck_seconds
    # The first push: whatever is current (displays reconnecting at once share
    # one snapshot per room); then no older than the events it answers.
    since = await services.snapshots.changed_since(room_id)
    taken: list[Event] = []  # the events this push answers
    async with services.bus.subscribe(room_channel(room_id)) as events:
        while True:
            now = info.context.now
            snapshot = await services.snapshots.fresh(
                services.sessions, room_id, since=since, now=now
            )
            _recheck(viewer, snapshot, room_id)
            view = view_of(snapshot, now, viewer)
            yield view.event
            observe_pushed(taken)
            # The periodic re-check is spread out, so a thousand displays
            # pushed at once do not all come back to the database at once.
            periodic = recheck * random.uniform(0.75, 1.0)  # not crypto
            seconds = min(periodic, _seconds_until(info, view.changes, recheck))
            event = await _next_event(events, seconds)
            since, about_display, taken = _drain(event, events, viewer, recheck)
            if viewer.role is Role.DISPLAY and (
                about_display or (event is None and seconds == periodic)
            ):
                await _check_display(info, viewer)


async def day_of(context: Context, room_id: str, viewer: Viewer) -> SharedEvent:
    """The room's day now as ``viewer`` may see it (NOT_FOUND when it may
    not), shared by every viewer of its kind until the room changes or the
    clock turns its status; results executed on it may be kept in it."""
    if viewer.room_id is not None and viewer.room_id != room_id:
        raise NotFoundError.of("Room", room_id)
    services = context.services
    now = context.now
    snapshot = await services.snapshots.current(services.sessions, room_id, now=now)
    _recheck(viewer, snapshot, room_id)
    return day_view(snapshot, now, viewer).event


def _recheck(viewer: Viewer, snapshot: RoomSnapshot, room_id: str) -> None:
    """The room may have been deleted, or this viewer may no longer see it."""
    if snapshot.room is None:
        raise NotFoundError.of("Room", room_id)
    if not viewer.sees_room(room_id):
        raise NotFoundError.of("Room", room_id)
    viewer.check_tenant(snapshot.room.tenant_id, "Room", room_id)


async def _next_event(events: asyncio.Queue[Event], seconds: float) -> Event | None:
    # asyncio's own timeout: a thousand subscribers wait here at once, and
    # anyio's cancel scope costs several times more per wait.
    try:
        async with asyncio.timeout(seconds):
            return await events.get()
    except TimeoutError:
        return None


def _drain(
    event: Event | None, events: asyncio.Queue[Event], viewer: Viewer, recheck: float
) -> tuple[float, bool, list[Event]]:
    """Reload no older than the newest event taken (bursts coalesce into one);
    whether one may concern this display (its own change, or a resync after
    events may have been missed): only then need it re-check itself; and the
    events taken."""
    if event is None:  # a timer: any reload from the last half interval will do
        return time.monotonic() - recheck / 2, False, []
    taken = [event]
    since = float(event.get("received", time.monotonic()))
    about_display = _about_display(event, viewer)
    while not events.empty():
        more = events.get_nowait()
        taken.append(more)
        since = max(since, float(more.get("received", since)))
        about_display = about_display or _about_display(more, viewer)
    return since, about_display, taken


def _about_display(event: Event, viewer: Viewer) -> bool:
    kind = event.get("type")
    if kind == "resync":
        return True
    return kind == "display" and event.get("displayId", viewer.token_id) in (
        viewer.token_id,
        None,
    )


async def _check_display(info: Info, viewer: Viewer) -> None:
    """End a revoked display's subscription; note that a live one was seen."""
    now = info.context.now
    async with info.context.db() as session:
        row = await display_repo.get_display(
            session, display_id=viewer.token_id, tenant_id=viewer.tenant_id
        )
        if row is None or row.revoked_at is not None or row.room_id != viewer.room_id:
            raise UnauthenticatedError("this display was revoked: pair it again")
        if needs_touch(row.last_seen_at, now):
            await display_repo.touch(session, display_id=row.id, now=now)


def _seconds_until(info: Info, moment: datetime | None, recheck: float) -> float:
    if moment is None:
        return recheck
    seconds = (moment - info.context.now).total_seconds()
    return min(recheck, max(0.05, seconds if math.isfinite(seconds) else 0))
