"""Subscriptions: live room status pushed over websockets."""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator

import anyio
import strawberry

from transom.api.context import Info
from transom.api.rooms import RoomStatus, current_status, visible_room
from transom.pubsub import room_channel

# Re-check at least this often, so a missed wake-up never leaves a screen stale.
MAX_WAIT_SECONDS = 60.0


@strawberry.type
class RoomSubscriptions:
    @strawberry.subscription(
        description="The room's status now, then again whenever it changes: a "
        "booking changes or the clock passes a meeting's start or end."
    )
    async def room_status(
        self, info: Info, room_id: strawberry.ID
    ) -> AsyncGenerator[RoomStatus, None]:
        await visible_room(info, room_id)
        bus = info.context.services.bus
        async with bus.subscribe(room_channel(room_id)) as events:
            while True:
                status = await current_status(info, room_id)
                yield status
                with anyio.move_on_after(_seconds_until(info, status)):
                    await events.get()


def _seconds_until(info: Info, status: RoomStatus) -> float:
    if status.until is None:
        return MAX_WAIT_SECONDS
    seconds = (status.until - info.context.now).total_seconds()
    return min(MAX_WAIT_SECONDS, max(0.05, seconds if math.isfinite(seconds) else 0))
