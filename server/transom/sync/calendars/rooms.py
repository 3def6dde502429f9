"""One room mailbox's loop: keep the room's bookings equal to its Exchange calendar.

The loop itself (delta rounds, notifications, statuses, backoff) is
:class:`~transom.sync.calendars.loop.CalendarLoop`; see its state machine. A room
adds: each page's events become bookings (``apply.apply_events``), organizer
subjects are looked up first (``subjects.fetch_real_subjects``), a full resync
cancels the bookings it did not see (``apply.cancel_unseen``), and changes are
published on the room's and tenant's channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.calendar import CalendarChangePage
from transom.domain.connection import is_blocking
from transom.graph import GraphTenantClient
from transom.sync.calendars.loop import (
    ACCESS_RETRY,
    ERROR_RETRY_MAX,
    PAGE_SIZE,
    ROUND_TIMEOUT,
    CalendarLoop,
    LoopStoppedError,
    sync_window,
)
from transom.sync.calendars.organizers import Organizers, load_organizers
from transom.sync.calendars.room_changes import (
    RoomRef,
    apply_events,
    cancel_removed,
    cancel_unseen,
)
from transom.sync.calendars.state import state_for_room
from transom.sync.calendars.subjects import fetch_real_subjects
from transom.sync.credentials import MissingCredentialsError

__all__ = [
    "ACCESS_RETRY",
    "ERROR_RETRY_MAX",
    "PAGE_SIZE",
    "ROUND_TIMEOUT",
    "LoopStoppedError",
    "MailboxLoop",
    "sync_window",
]


@dataclass
class MailboxLoop(CalendarLoop):
    """Syncs one room. ``run()`` loops until cancelled or the tenant is blocked.

    Example (a test or the demo, one round without waiting)::

        loop = MailboxLoop(env, RoomRef(room.id, tenant.id, room.mailbox_email))
        await loop.step()
    """

    room: RoomRef
    _organizers: Organizers | None = None  # loaded once per round

    @property
    def tenant_id(self) -> str:
        return self.room.tenant_id

    @property
    def mailbox(self) -> str:
        return self.room.mailbox

    @property
    def key(self) -> str:
        return self.room.id

    async def _load(self) -> tuple[models.Tenant, models.MailboxSyncState]:
        async with self.env.sessions() as session:
            tenant = await session.get(models.Tenant, self.room.tenant_id)
            room = await session.get(models.Room, self.room.id)
            if tenant is None or room is None or is_blocking(tenant.connection_status):
                raise MissingCredentialsError("the tenant's connection is not usable")
            state = await state_for_room(session, tenant_id=tenant.id, room=room)
            await session.commit()
        return tenant, state

    async def _state(self, session: AsyncSession) -> models.MailboxSyncState | None:
        room = await session.get(models.Room, self.room.id)
        if room is None or room.mailbox_email is None:
            return None
        return await state_for_room(session, tenant_id=room.tenant_id, room=room)

    async def _delta_round(
        self, graph: GraphTenantClient, state: models.MailboxSyncState
    ) -> None:
        self._organizers = None
        await super()._delta_round(graph, state)

    async def _prepare(
        self,
        graph: GraphTenantClient,
        page: CalendarChangePage,
        state: models.MailboxSyncState,
    ) -> tuple[Organizers, dict[str, str | None]]:
        if self._organizers is None:
            async with self.env.sessions() as session:
                self._organizers = await load_organizers(
                    session, tenant_id=self.room.tenant_id
                )
        organizers = self._organizers
        assert state.window_start is not None
        assert state.window_end is not None
        subjects = await fetch_real_subjects(
            graph,
            page.updates,
            room_mailbox=self.room.mailbox,
            organizers=organizers,
            cache=self.env.subjects,
            window=(state.window_start, state.window_end),
        )
        return organizers, subjects

    async def _apply(
        self,
        session: AsyncSession,
        page: CalendarChangePage,
        extra: Any,
        stamp: datetime,
    ) -> int:
        organizers, subjects = extra
        written = await apply_events(
            session,
            room=self.room,
            events=page.updates,
            organizers=organizers,
            subjects=subjects,
            now=stamp,
        )
        written += await cancel_removed(
            session, room=self.room, removed_ids=page.removed_ids, now=stamp
        )
        return written

    async def _finish_full_round(
        self,
        session: AsyncSession,
        window: tuple[datetime, datetime],
        round_started_at: datetime,
        stamp: datetime,
    ) -> int:
        return await cancel_unseen(
            session,
            room=self.room,
            window=window,
            round_started_at=round_started_at,
            now=stamp,
        )

    async def _changed(self) -> None:
        await self.env.room_changed(
            self.room.tenant_id, self.room.id, notified_at=self.take_arrival()
        )
