"""One reload per room per event, shared by every subscriber of that room in
this process (a thousand displays of one room cost one query, not a thousand).

A subscriber woken by an event asks for a snapshot whose load *started after*
the event arrived (``since``, monotonic seconds): that load sees everything
committed before the event was published. Loads in flight are shared; no
session is held between events. Snapshots carry the room and tenant, so each
subscriber still re-checks the tenant against its own viewer, and a memo of
the views subscribers derive from them (built once, shared by all).

A room's snapshot also stays current *between* events (:meth:`RoomSnapshots.current`):
the first read of a room subscribes to the room's channel for this process (a
local queue, no extra traffic: the bus relays every channel to every process
anyway) and notes when; a snapshot whose load started after that and after
the room's newest event is what the database holds, so ``roomDay`` queries and
new subscriptions reuse it instead of reading again, and a thousand displays
reconnecting after a restart cost one read per room. Whatever changes a room
publishes on its channel after committing (bookings, the room, its sync state,
the tenant's privacy settings), in any process sharing the bus. Not trusted:
while a cross-process relay is down (its reconnection sends every channel a
``resync``), and past ``reuse_for`` seconds (a command in another process on a
``memory://`` bus publishes to nobody): then it reads again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import rooms as room_repo
from transom.db import sync_status as status_repo
from transom.db import tenants as tenant_repo
from transom.db.engine import Sessions
from transom.pubsub import Held, HeldSubscriptions, room_channel

PAST = timedelta(days=1)
FUTURE = timedelta(days=2, hours=1)
REUSABLE_FOR = timedelta(minutes=30)


@dataclass(frozen=True)
class RoomSnapshot:
    """A room with its bookings (every state) overlapping [start, end)."""

    room: models.Room | None
    tenant: models.Tenant | None
    bookings: list[models.Booking]
    loaded_for: datetime
    started: float
    sync_state: models.MailboxSyncState | None = None
    stale_limit: timedelta = timedelta(hours=2)
    # What subscribers derive from this snapshot, computed once for all of
    # them (see ``transom.api.live``); dropped with the snapshot.
    views: dict[Hashable, Any] = field(default_factory=dict, compare=False)

    def covers(self, now: datetime) -> bool:
        return abs(now - self.loaded_for) <= REUSABLE_FOR


@dataclass
class _Watch:
    """A room's channel, heard by this process since ``since`` (monotonic)."""

    held: Held
    since: float


@dataclass
class RoomSnapshots:
    stale_limit: timedelta = timedelta(hours=2)  # transom.api.sync.health
    # Without them nothing is watched: every current() reads again.
    subscriptions: HeldSubscriptions | None = None
    reuse_for: float = 30.0
    _latest: dict[str, RoomSnapshot] = field(default_factory=dict)
    _loading: dict[str, tuple[float, asyncio.Future[RoomSnapshot]]] = field(
        default_factory=dict
    )
    _watches: dict[str, _Watch] = field(default_factory=dict)

    async def current(
        self, sessions: Sessions, room_id: str, *, now: datetime
    ) -> RoomSnapshot:
        """The room as the database holds it: the last snapshot when nothing
        changed since it was loaded, else one load (shared by all who ask)."""
        snapshot = await self.fresh(
            sessions, room_id, since=await self.changed_since(room_id), now=now
        )
        if snapshot.room is None:
            self._unwatch(room_id)  # nothing to watch: ask again next time
        return snapshot

    async def changed_since(self, room_id: str) -> float:
        """Monotonic time after which a load of the room is current: its
        newest event, or when this process began to hear its channel."""
        moment = time.monotonic()
        subscriptions = self.subscriptions
        if subscriptions is None or not subscriptions.connected:
            return moment  # a relay that is down hears nothing
        watch = self._watches.get(room_id) or await self._watch(subscriptions, room_id)
        if watch is None:
            return moment  # shutting down: nothing is heard
        events = watch.held.events
        while not events.empty():
            event = events.get_nowait()
            watch.since = max(watch.since, float(event.get("received", moment)))
        return max(watch.since, moment - self.reuse_for)

    async def _watch(
        self, subscriptions: HeldSubscriptions, room_id: str
    ) -> _Watch | None:
        held = await subscriptions.hold(room_channel(room_id))
        if held is None:
            return None
        watch = _Watch(held, time.monotonic())
        other = self._watches.setdefault(room_id, watch)
        if other is not watch:  # someone else's came first
            subscriptions.release(held)
        return other

    def _unwatch(self, room_id: str) -> None:
        watch = self._watches.pop(room_id, None)
        if watch is not None and self.subscriptions is not None:
            self.subscriptions.release(watch.held)

    async def fresh(
        self, sessions: Sessions, room_id: str, *, since: float, now: datetime
    ) -> RoomSnapshot:
        latest = self._latest.get(room_id)
        if latest is not None and latest.started >= since and latest.covers(now):
            return latest
        loading = self._loading.get(room_id)
        if loading is not None and loading[0] >= since:
            shared = await _outcome(loading[1])
            if shared is not None and shared.covers(now):
                return shared
        return await self._load(sessions, room_id, now)

    async def _load(
        self, sessions: Sessions, room_id: str, now: datetime
    ) -> RoomSnapshot:
        started = time.monotonic()
        future: asyncio.Future[RoomSnapshot] = (
            asyncio.get_running_loop().create_future()
        )
        self._loading[room_id] = (started, future)
        try:
            snapshot = await _read(sessions, room_id, now, started)
            snapshot = replace(snapshot, stale_limit=self.stale_limit)
        except BaseException:
            future.cancel()  # waiters load for themselves
            raise
        finally:
            if self._loading.get(room_id, (None, None))[1] is future:
                del self._loading[room_id]
        future.set_result(snapshot)
        current = self._latest.get(room_id)
        if current is None or current.started <= started:
            self._latest[room_id] = snapshot
        return snapshot


async def _outcome(future: asyncio.Future[RoomSnapshot]) -> RoomSnapshot | None:
    """The shared load's snapshot, or None when it failed (load again)."""
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
        return None


async def _read(
    sessions: Sessions, room_id: str, now: datetime, started: float
) -> RoomSnapshot:
    async with sessions() as session:
        room = await room_repo.get_room(session, room_id=room_id)
        tenant = None
        bookings: list[models.Booking] = []
        sync_state = None
        if room is not None:
            tenant = await tenant_repo.get_tenant(session, tenant_id=room.tenant_id)
            grouped = await booking_repo.bookings_in_range(
                session, room_ids=[room_id], start=now - PAST, end=now + FUTURE
            )
            bookings = grouped[room_id]
            states = await status_repo.states_for_rooms(session, room_ids=[room_id])
            sync_state = states.get(room_id)
    return RoomSnapshot(room, tenant, bookings, now, started, sync_state)
