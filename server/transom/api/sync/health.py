"""A mailbox's sync health for the API: the settings and rows behind the verdict
(``transom.domain.sync_health``), shared by rooms' ``sync`` and displays' day."""

from __future__ import annotations

from datetime import datetime, timedelta

from transom.db import models
from transom.domain.sync_health import MailboxFacts, Verdict, stale_after, verdict
from transom.settings import Settings


def stale_limit(settings: Settings) -> timedelta:
    return stale_after(
        timedelta(seconds=settings.reconcile_interval_seconds),
        timedelta(seconds=settings.poll_interval_seconds),
    )


def health_at(row: models.MailboxSyncState, now: datetime, limit: timedelta) -> Verdict:
    facts = MailboxFacts(
        status=row.status,
        mode=row.mode,
        status_since=row.status_since,
        last_synced_at=row.last_synced_at,
        doubted_since=row.doubted_since,
        doubt=row.doubt,
    )
    return verdict(facts, now, limit)
