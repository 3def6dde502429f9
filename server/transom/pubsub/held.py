"""Subscriptions a process holds for itself, under the app lifespan's task group.

Kept reads (a room's snapshot, a device token's viewer) hear their channel for
as long as they keep something: longer than the request that first asked, and
they are let go by another request or at shutdown. A subscription is a context
manager (``Bus.subscribe``), to be exited by the task that entered it, and in
the reverse order of entering when one task holds several (anyio's cancel
scopes insist on both, and so does any backend whose subscription owns a task).
So requests never enter one: they ask :meth:`HeldSubscriptions.hold`, and
:meth:`HeldSubscriptions.run`, started in the lifespan's task group, starts a
small task per subscription that enters it, hands back its queue, waits for
:meth:`HeldSubscriptions.release` and exits it. Cancelling ``run`` at shutdown
ends them all, each exiting its own.

States: not started (``hold`` answers None: the caller keeps nothing and reads
again each time) → running → ended (None again; requests left waiting get
None). A request cancelled while waiting has its subscription exited at once.

    held = await subscriptions.hold(room_channel(room_id))
    if held is not None:
        ...  # held.events gets the channel's events until released
        subscriptions.release(held)
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field

import anyio
from anyio.abc import TaskStatus
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from transom.pubsub.base import Bus, Event


@dataclass(eq=False)
class Held:
    """One held subscription: its channel and the queue of its events."""

    channel: str
    events: asyncio.Queue[Event]
    released: anyio.Event = field(default_factory=anyio.Event, repr=False)


@dataclass(eq=False)
class _Hold:
    channel: str
    answer: asyncio.Future[Held | None]


@dataclass
class HeldSubscriptions:
    """The bus's subscriptions this process holds beyond a request."""

    bus: Bus
    _requests: MemoryObjectSendStream[_Hold] | None = None

    @property
    def connected(self) -> bool:
        """Whether held subscriptions hear every process now (a cross-process
        relay that is down hears nobody else)."""
        return bool(getattr(self.bus, "connected", True))

    async def hold(self, channel: str) -> Held | None:
        """A subscription to ``channel`` held until :meth:`release`, or None
        when :meth:`run` is not running."""
        requests = self._requests
        if requests is None:
            return None
        answer: asyncio.Future[Held | None] = asyncio.get_running_loop().create_future()
        try:
            requests.send_nowait(_Hold(channel, answer))
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            return None
        try:
            return await answer  # cancelled with us: its task lets it go
        except asyncio.CancelledError:
            late = None if answer.cancelled() else answer.result()
            if late is not None:
                self.release(late)  # answered as we were cancelled
            raise

    def release(self, held: Held) -> None:
        """Stop hearing ``held`` (its task exits the subscription)."""
        held.released.set()

    async def run(
        self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Hold subscriptions until cancelled; then exit them all."""
        send, receive = anyio.create_memory_object_stream[_Hold](math.inf)
        self._requests = send
        try:
            async with anyio.create_task_group() as tasks:
                task_status.started()
                async for request in receive:
                    tasks.start_soon(self._keep, request)
        finally:
            self._requests = None
            send.close()
            for left in _queued(receive):
                if not left.answer.done():
                    left.answer.set_result(None)  # nothing held for it
            receive.close()

    async def _keep(self, request: _Hold) -> None:
        """Enter one subscription, hand it over, exit it once released."""
        answer = request.answer
        try:
            if answer.cancelled():
                return  # nobody waits for it any more
            async with self.bus.subscribe(request.channel) as events:
                held = Held(request.channel, events)
                if answer.cancelled():
                    return  # its asker went while it was entered
                answer.set_result(held)
                await held.released.wait()
        finally:
            if not answer.done():
                answer.set_result(None)  # cancelled at shutdown, or it failed


def _queued(receive: MemoryObjectReceiveStream[_Hold]) -> list[_Hold]:
    found: list[_Hold] = []
    while True:
        try:
            found.append(receive.receive_nowait())
        except (anyio.WouldBlock, anyio.EndOfStream):
            return found
