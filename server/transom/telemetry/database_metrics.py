"""Metrics the database holds, read at scrape time: per-mailbox sync lag and
state, outbox depth and oldest age by status, displays online.

Reading them when Prometheus asks (one short session per scrape) keeps them
right in every process, whichever process did the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.displays import ONLINE_WINDOW


@dataclass(frozen=True)
class MailboxRow:
    tenant_id: str
    mailbox: str
    kind: str  # "room" or "person"
    status: str
    last_synced_at: datetime | None


@dataclass(frozen=True)
class OutboxRow:
    status: str
    count: int
    oldest: datetime | None


@dataclass(frozen=True)
class DatabaseSnapshot:
    now: datetime
    mailboxes: list[MailboxRow]
    outbox: list[OutboxRow]
    displays_paired: int
    displays_online: int


async def read_snapshot(session: AsyncSession, now: datetime) -> DatabaseSnapshot:
    state = models.MailboxSyncState
    mailboxes = (
        await session.execute(
            select(
                state.tenant_id,
                state.mailbox,
                state.room_id,
                state.status,
                state.last_synced_at,
            )
        )
    ).all()
    outbox = (
        await session.execute(
            select(
                models.OutboxItem.status,
                func.count(),
                func.min(models.OutboxItem.created_at),
            ).group_by(models.OutboxItem.status)
        )
    ).all()
    return DatabaseSnapshot(
        now=now,
        mailboxes=[
            MailboxRow(t, m, "room" if room else "person", s, synced)
            for t, m, room, s, synced in mailboxes
        ],
        outbox=[OutboxRow(s, c, oldest) for s, c, oldest in outbox],
        displays_paired=await _paired_displays(session),
        displays_online=await _paired_displays(session, seen_since=now - ONLINE_WINDOW),
    )


async def _paired_displays(
    session: AsyncSession, seen_since: datetime | None = None
) -> int:
    display = models.Display
    query = select(func.count()).where(
        display.paired_at.is_not(None), display.revoked_at.is_(None)
    )
    if seen_since is not None:
        query = query.where(display.last_seen_at >= seen_since)
    return int((await session.execute(query)).scalar_one())


class SnapshotCollector(Collector):
    """Exposes one :class:`DatabaseSnapshot` (a collector per scrape)."""

    def __init__(self, snapshot: DatabaseSnapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        yield from self._mailboxes()
        yield from self._outbox()
        yield from self._displays()

    def _mailboxes(self) -> Iterator[Metric]:
        labels = ["tenant", "mailbox", "kind"]
        lag = GaugeMetricFamily(
            "transom_mailbox_sync_lag_seconds",
            "Seconds since the mailbox's calendar was last synced.",
            labels=labels,
        )
        states = GaugeMetricFamily(
            "transom_mailbox_sync_state",
            "1 for the mailbox's current sync state.",
            labels=[*labels, "state"],
        )
        for row in self.snapshot.mailboxes:
            key = [row.tenant_id, row.mailbox, row.kind]
            states.add_metric([*key, row.status], 1)
            if row.last_synced_at is not None:
                lag.add_metric(key, _age(self.snapshot.now, row.last_synced_at))
        yield lag
        yield states

    def _outbox(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "transom_outbox_items", "Graph writes in the outbox.", labels=["status"]
        )
        oldest = GaugeMetricFamily(
            "transom_outbox_oldest_age_seconds",
            "Age of the oldest outbox item.",
            labels=["status"],
        )
        for row in self.snapshot.outbox:
            depth.add_metric([row.status], row.count)
            if row.oldest is not None:
                oldest.add_metric([row.status], _age(self.snapshot.now, row.oldest))
        yield depth
        yield oldest

    def _displays(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "transom_displays_paired",
            "Paired door displays.",
            value=self.snapshot.displays_paired,
        )
        yield GaugeMetricFamily(
            "transom_displays_online",
            "Paired door displays seen in the last two minutes.",
            value=self.snapshot.displays_online,
        )


def _age(now: datetime, then: datetime) -> float:
    if then.tzinfo is None:  # SQLite hands back naive UTC
        then = then.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - then).total_seconds())
