"""``buildingBookings``: one subscription for a whole building.

It follows the channel of each room of the building (the events that wake the
rooms' door displays), the tenant's channel (rooms added, moved or deleted;
privacy settings) and, for a lobby display, its own (renamed, revoked). Each
wake reloads only the rooms an event named, through the process-wide room
snapshots the door displays share, and builds each room's day with the very
view its door displays are pushed (``day_view`` of :mod:`transom.api.live`). Like a
room's feed it also wakes when a meeting starts or ends and at least every
``live_recheck_seconds``, and it pushes only what changed. The lobby displays
of one building woken by the same change share one result (built, executed and
JSON-encoded once).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from types import TracebackType
from typing import Annotated, cast

import strawberry

from transom.api.context import Info
from transom.api.displays.lobby import (
    BuildingDay,
    building_members,
    building_scope,
    shared_building_day,
)
from transom.api.shared_events import SharedEvent
from transom.db import displays as display_repo
from transom.domain.access import Viewer
from transom.domain.displays import needs_touch
from transom.domain.errors import UnauthenticatedError
from transom.pubsub import Bus, Event, display_channel, room_channel, tenant_channel

RELOAD_ALL = ("resync", "tenantSettings")


class _Channels:
    """Several bus subscriptions waited on together; a room's can be left
    when the room leaves the building."""

    def __init__(self, bus: Bus) -> None:
        self._bus = bus
        self._open: dict[
            str,
            tuple[
                AbstractAsyncContextManager[asyncio.Queue[Event]],
                asyncio.Queue[Event],
                str | None,
            ],
        ] = {}

    async def __aenter__(self) -> _Channels:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for channel in list(self._open):
            await self.leave(channel)

    async def follow(self, channel: str, room_id: str | None) -> None:
        manager = self._bus.subscribe(channel)
        queue = await manager.__aenter__()
        self._open[channel] = (manager, queue, room_id)

    async def leave(self, channel: str) -> None:
        manager, _, _ = self._open.pop(channel)
        await manager.__aexit__(None, None, None)

    def _ready(self) -> list[tuple[str | None, Event]]:
        found = []
        for _, queue, room_id in self._open.values():
            while not queue.empty():
                found.append((room_id, queue.get_nowait()))
        return found

    async def next(self, seconds: float) -> list[tuple[str | None, Event]]:
        """The events of any channel (with the room each one's channel is of),
        waiting up to ``seconds`` for the first; [] when none came."""
        ready = self._ready()
        if ready:
            return ready
        waiters = {
            asyncio.ensure_future(queue.get()): room_id
            for _, queue, room_id in self._open.values()
        }
        try:
            await asyncio.wait(
                waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
        got = [
            (room_id, waiter.result())
            for waiter, room_id in waiters.items()
            if not waiter.cancelled() and waiter.exception() is None
        ]
        return got + self._ready()


@strawberry.type
class LobbySubscriptions:
    @strawberry.subscription(
        description="Every room of a building (or one floor) now, then again "
        "whenever one of its rooms changes (a booking, a meeting starting or "
        "ending, a room added or moved): one subscription for a lobby display. "
        "A lobby display may follow only its own building (and floor)."
    )
    async def building_bookings(
        self,
        info: Info,
        building: Annotated[
            str, strawberry.argument(description="The building (exact name).")
        ],
        floor: Annotated[
            str | None,
            strawberry.argument(description="Only this floor; null: every floor."),
        ] = None,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The tenant: superadmins must say; others may give only their own."
            ),
        ] = None,
    ) -> AsyncGenerator[BuildingDay, None]:
        async for event in _building_feed(info, building, floor, tenant_id):
            yield cast(BuildingDay, event)  # SharingExecutor unwraps it


async def _building_feed(
    info: Info, building: str, floor: str | None, tenant_id: str | None
) -> AsyncIterator[SharedEvent]:
    viewer, scope = await building_scope(info, building, floor, tenant_id)
    key = (scope, building, floor)
    services = info.context.services
    recheck = services.settings.live_recheck_seconds
    since: dict[str, float] = {}  # per room: reload no older than this
    async with _Channels(services.bus) as channels:
        await channels.follow(tenant_channel(scope), None)
        if viewer.is_lobby:
            await channels.follow(display_channel(viewer.token_id), None)
        while True:
            now = info.context.now
            members = await building_members(info, *key)
            await _follow_rooms(channels, since, members)
            snapshots = [
                await services.snapshots.fresh(
                    services.sessions, room_id, since=since[room_id], now=now
                )
                for room_id in members
            ]
            event, changes = shared_building_day(snapshots, key, now, viewer)
            yield event
            periodic = recheck * random.uniform(0.75, 1.0)  # not crypto
            seconds = min(periodic, _seconds_until(now, changes, recheck))
            events = await channels.next(seconds)
            about_display = _note(events, since, viewer, recheck)
            if viewer.is_lobby and (
                about_display or (not events and seconds == periodic)
            ):
                await _check_lobby(info, viewer)


async def _follow_rooms(
    channels: _Channels, since: dict[str, float], members: list[str]
) -> None:
    """Follow the channels of rooms new to the building, leave those gone."""
    for room_id in members:
        if room_id not in since:
            await channels.follow(room_channel(room_id), room_id)
            since[room_id] = time.monotonic()  # loads after following
    for gone in set(since) - set(members):
        await channels.leave(room_channel(gone))
        del since[gone]


def _note(
    events: list[tuple[str | None, Event]],
    since: dict[str, float],
    viewer: Viewer,
    recheck: float,
) -> bool:
    """Which rooms to reload (raises their ``since``); whether an event may
    concern this display itself."""
    if not events:  # a timer: any reload from the last half interval will do
        floor = time.monotonic() - recheck / 2
        for known in since:
            since[known] = max(since[known], floor)
        return False
    about_display = False
    for room_id, event in events:
        received = float(event.get("received", time.monotonic()))
        kind = event.get("type")
        named: object = room_id or event.get("roomId")
        if kind in RELOAD_ALL:
            for each in since:
                since[each] = max(since[each], received)
        elif isinstance(named, str) and named in since:
            since[named] = max(since[named], received)
        if kind == "resync" or (
            kind == "display" and event.get("displayId") == viewer.token_id
        ):
            about_display = True
    return about_display


async def _check_lobby(info: Info, viewer: Viewer) -> None:
    """End a revoked or re-paired lobby's subscription; note that it was seen."""
    now = info.context.now
    async with info.context.db() as session:
        row = await display_repo.get_display(
            session, display_id=viewer.token_id, tenant_id=viewer.tenant_id
        )
        if (
            row is None
            or row.revoked_at is not None
            or row.room_id is not None
            or (row.building, row.floor) != (viewer.building, viewer.floor)
        ):
            raise UnauthenticatedError("this display was revoked: pair it again")
        if needs_touch(row.last_seen_at, now):
            await display_repo.touch(session, display_id=row.id, now=now)


def _seconds_until(now: datetime, moment: datetime | None, recheck: float) -> float:
    if moment is None:
        return recheck
    seconds = (moment - now).total_seconds()
    return min(recheck, max(0.05, seconds if math.isfinite(seconds) else 0))
