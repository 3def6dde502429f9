"""Whether a mailbox is really in sync: the verdict the API and the screens show.

The calendar loop records what it did (``MailboxStatus``, the last completed
delta round, the mode, and any doubt about notifications); this module turns
that into what a user may rely on::

    loop status IN_SYNC and
      no delta round completed within stale_after     -> STALE    (since the last round)
      mode POLLING                                    -> POLLING  (changes every poll interval)
      notifications doubted                           -> DEGRADED (since the doubt)
      otherwise                                       -> IN_SYNC
    any other loop status (SYNCING, ERROR, ...)       -> itself

Doubts (``DoubtKind``) and what clears them:

- ``RECREATED``: Graph had lost the subscription (verification or renewal
  answered 404, ``subscriptionRemoved``) and a new one was made. Cleared by the
  first notified change, or by a reconciliation round that finds nothing missed.
- ``LOST``: changes reached Transom without a notification although the
  subscription exists (found by a reconciliation round, or Graph's ``missed``
  lifecycle event). Cleared only by a notified change: only an arriving
  notification shows they arrive again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class SyncHealth(StrEnum):
    IDLE = "IDLE"
    SYNCING = "SYNCING"
    IN_SYNC = "IN_SYNC"
    POLLING = "POLLING"
    DEGRADED = "DEGRADED"
    STALE = "STALE"
    THROTTLED = "THROTTLED"
    ERROR = "ERROR"
    ACCESS_DENIED = "ACCESS_DENIED"
    STOPPED = "STOPPED"


class DoubtKind(StrEnum):
    RECREATED = "RECREATED"
    LOST = "LOST"


class LogCause(StrEnum):
    """What a sync-log warning is about; it is resolved when that is gone."""

    POLLING = "POLLING"  # notifications unavailable: resolved once subscribed
    NOTIFICATIONS = "NOTIFICATIONS"  # doubts: resolved when notifications arrive


def stale_after(reconcile_interval: timedelta, poll_interval: timedelta) -> timedelta:
    """How old the last completed delta round may be before data counts as stale:
    two missed rounds (reconciliation with notifications, polls without)."""
    return max(2 * reconcile_interval, 3 * poll_interval, timedelta(minutes=5))


@dataclass(frozen=True)
class MailboxFacts:
    """What the loop recorded about one mailbox."""

    status: str
    mode: str
    status_since: datetime | None
    last_synced_at: datetime | None
    doubted_since: datetime | None
    doubt: str | None


@dataclass(frozen=True)
class Verdict:
    health: SyncHealth
    since: datetime | None
    reason: str | None  # what is wrong, in plain words (None when in sync)


def verdict(facts: MailboxFacts, now: datetime, stale_limit: timedelta) -> Verdict:
    """The mailbox's sync health at ``now``.

    >>> from datetime import UTC
    >>> t = datetime(2026, 12, 3, 12, tzinfo=UTC)
    >>> f = MailboxFacts("IN_SYNC", "NOTIFICATIONS", t, t, None, None)
    >>> verdict(f, t + timedelta(hours=3), timedelta(hours=2)).health
    <SyncHealth.STALE: 'STALE'>
    """
    if facts.status != SyncHealth.IN_SYNC.value:
        return Verdict(SyncHealth(facts.status), facts.status_since, None)
    last = facts.last_synced_at
    if last is None or now - last > stale_limit:
        return Verdict(
            SyncHealth.STALE,
            last,
            "No delta round has completed for longer than "
            f"{_minutes(stale_limit)}; the data may be out of date.",
        )
    if facts.mode == "POLLING":
        return Verdict(
            SyncHealth.POLLING,
            facts.status_since,
            "Changes are polled: Microsoft 365 cannot send notifications.",
        )
    if facts.doubted_since is not None:
        return Verdict(SyncHealth.DEGRADED, facts.doubted_since, facts.doubt)
    return Verdict(SyncHealth.IN_SYNC, facts.status_since, None)


def _minutes(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    return f"{minutes} minutes" if minutes != 1 else "1 minute"
