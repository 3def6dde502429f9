"""Revocation reaches open websockets at once, on both protocols.

A websocket authenticates once (its first operation) and then keeps its
viewer. :class:`AccessWatch` runs beside the connection: once the viewer is
known it listens on :func:`~transom.pubsub.access_channel` for that credential.
On an event (a display revoked, an admin signed out, rights changed; published
by whoever changed them, in any process sharing the bus) it authenticates
again with what the socket presented; when that fails or gives another viewer,
the socket is closed with 4403, which ends its subscriptions and refuses its
next operation. Clients reconnect and get their new rights, or none: a role
changed downwards (``transom token set-role``, ``transom admin set-role``) closes
the socket too, and the client comes back with the lower rights.

Without an event the socket also authenticates again every
``Settings.access_recheck_seconds`` (30 s, jittered): a ``memory://`` bus cannot
hear a command line run in another process, and an event lost while a relay was
down must not keep a revoked socket open for good.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterable

from sqlalchemy.exc import SQLAlchemyError
from starlette.websockets import WebSocket, WebSocketState

from transom.api.context import Context
from transom.domain.access import Viewer
from transom.domain.errors import UnauthenticatedError
from transom.pubsub import Bus, Event, access_channel

log = logging.getLogger(__name__)

SCOPE_KEY = "transom.access_watch"
REVOKED_CLOSE_CODE = 4403


async def announce_access_changed(
    bus: Bus, credentials: Iterable[str], kind: str
) -> None:
    """Tell every process holding a socket of these credentials (after the
    change is committed): each re-checks its sockets and closes those whose
    rights are gone or changed. ``kind``: ``revoked``, ``signed-out``,
    ``role-changed``."""
    for credential in credentials:
        await bus.publish(access_channel(credential), {"type": kind})


class AccessWatch:
    """One per websocket; ``attach`` is called when its context exists."""

    def __init__(self) -> None:
        self._context: Context | None = None
        self._attached = asyncio.Event()

    def attach(self, context: Context) -> None:
        self._context = context
        self._attached.set()

    async def run(self) -> None:
        await self._attached.wait()
        context = self._context
        assert context is not None
        viewer = await context.authenticated()
        recheck = context.services.settings.access_recheck_seconds
        async with context.services.bus.subscribe(
            access_channel(viewer.token_id)
        ) as events:
            while True:
                await _event_or_timeout(events, recheck * random.uniform(0.75, 1.0))
                if await _still(context, viewer):
                    continue
                await _close(context)
                return


async def _event_or_timeout(events: asyncio.Queue[Event], seconds: float) -> None:
    """Returns on the next event (taking any queued behind it) or after ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            await events.get()
    except TimeoutError:
        return
    while not events.empty():
        events.get_nowait()


async def _still(context: Context, viewer: Viewer) -> bool:
    """Whether the socket's credentials still give the same viewer (a database
    failure keeps the socket: the next check decides)."""
    try:
        return await context.reauthenticate() == viewer
    except UnauthenticatedError:
        return False
    except (SQLAlchemyError, OSError) as exc:
        log.warning("could not re-check a websocket's credentials: %r", exc)
        return True


async def _close(context: Context) -> None:
    websocket = context.connection
    if (
        isinstance(websocket, WebSocket)
        and websocket.application_state is WebSocketState.CONNECTED
    ):
        log.info("closing a websocket whose credentials were revoked or changed")
        await websocket.close(
            code=REVOKED_CLOSE_CODE, reason="credentials revoked or changed"
        )
