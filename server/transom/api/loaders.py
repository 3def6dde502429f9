"""Per-request DataLoaders: lists of N parents cost one query, not N."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from transom.db import absences as absence_repo
from transom.db import bookings as booking_repo
from transom.db import models
from transom.db import people as people_repo
from transom.db import rooms as room_repo
from transom.db import sync_status as sync_repo
from transom.db import tenants as tenant_repo

OpenSession = Callable[[], AbstractAsyncContextManager[AsyncSession]]
RangeKey = tuple[str, datetime, datetime, bool]


class Loaders:
    def __init__(self, db: OpenSession) -> None:
        self._db = db
        self.room = DataLoader(self._load_rooms)
        self.tenant = DataLoader(self._load_tenants)
        self.bookings = DataLoader(self._load_bookings)
        self.sync_state = DataLoader(self._load_sync_states)
        self.person = DataLoader(self._load_people)
        self.retryable_write = DataLoader(self._load_retryable_writes)

    async def _load_people(self, ids: Sequence[str]) -> list[models.Person | None]:
        async with self._db() as session:
            rows = await people_repo.get_people(session, person_ids=ids)
        by_id = {row.id: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _load_retryable_writes(self, ids: Sequence[str]) -> list[str | None]:
        async with self._db() as session:
            found = await absence_repo.retryable_writes(session, absence_ids=ids)
        return [found.get(i) for i in ids]

    async def _load_sync_states(
        self, ids: Sequence[str]
    ) -> list[models.MailboxSyncState | None]:
        async with self._db() as session:
            found = await sync_repo.states_for_rooms(session, room_ids=ids)
        return [found.get(i) for i in ids]

    async def _load_rooms(self, ids: Sequence[str]) -> list[models.Room | None]:
        async with self._db() as session:
            rows = await room_repo.get_rooms(session, room_ids=ids)
        by_id = {row.id: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _load_tenants(self, ids: Sequence[str]) -> list[models.Tenant | None]:
        async with self._db() as session:
            rows = await tenant_repo.get_tenants(session, tenant_ids=ids)
        by_id = {row.id: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _load_bookings(
        self, keys: Sequence[RangeKey]
    ) -> list[list[models.Booking]]:
        """Keys are (room id, start, end, active only); one query per distinct range."""
        by_range: dict[tuple[datetime, datetime, bool], list[str]] = defaultdict(list)
        for room_id, start, end, active in keys:
            by_range[(start, end, active)].append(room_id)
        found: dict[RangeKey, list[models.Booking]] = {}
        async with self._db() as session:
            for (start, end, active), room_ids in by_range.items():
                grouped = await booking_repo.bookings_in_range(
                    session, room_ids=room_ids, start=start, end=end, active_only=active
                )
                for room_id, rows in grouped.items():
                    found[(room_id, start, end, active)] = rows
        return [found[key] for key in keys]
