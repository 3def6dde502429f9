"""No-show release: a meeting nobody checked in to gives its room back.

Tenant setting (``domain.tenant_settings``): ``checkInRequired`` (default off)
and ``noShowReleaseMinutes`` (N, 5..60). A CONFIRMED meeting still running N
minutes after its start without a check-in is released:

1. :class:`NoShowReleaser` (run by the :class:`~transom.sync.outbox.OutboxWorker`
   beside its own loop, every ``RELEASE_SECONDS``) marks the booking CANCELLED
   with the reason, enqueues a ``booking.release`` row in the same transaction,
   commits, and publishes the room's channel: displays turn free at once.
2. :func:`release_booking` (the row's handler) frees the room in Exchange, acting
   as the room mailbox (graph-contract.md §5.2, §5.3): a meeting the room was
   invited to is *declined* by the room (the organizer gets the decline); an
   event the room organizes itself (a direct write, e.g. booked in Transom) is
   cancelled when it has attendees and deleted otherwise. Already gone: done.

Meetings booked at the door are never released: whoever booked them was there.
Nor is a meeting that began before check-in became required (the setting's
``checkInRequiredSince``): switching the rule on never releases what is running.
Every release is recorded in the tenant's sync log (meeting, organizer, room,
rule, time), so admins see what the automation did.
Each booking is released at most once (a ``booking.release`` row exists), so a
delta round that applies the room's copy again before the decline has reached
Exchange (the row shows CONFIRMED for that moment) cannot release it twice; the
handler and the next delta round settle it CANCELLED.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import anyio
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db import outbox as outbox_repo
from transom.db.engine import Sessions
from transom.domain.bookings import BookingSource, BookingState
from transom.domain.displays import is_no_show
from transom.domain.outbox import OutboxKind
from transom.domain.tenant_settings import NO_SHOW_RELEASE_MINUTES, TenantSettings
from transom.pubsub import Bus, room_channel, tenant_channel
from transom.sync.calendars.state import add_log
from transom.sync.outbox.jobs import (
    BookingUpdate,
    BookingView,
    Outcome,
    WriteJob,
)

log = logging.getLogger(__name__)

RELEASE_SECONDS = 5.0
LONGEST_MEETING = timedelta(days=1)


def release_reason(minutes: int) -> str:
    return f"Released: nobody checked in within {minutes} minutes of the start."


class NoShowReleaser:
    """Finds no-shows and releases them; one pass per ``interval`` seconds.

    Example::

        releaser = NoShowReleaser(sessions=sessions, bus=bus, clock=clock,
                                  wake_outbox=worker.wake)
        released = await releaser.release_due()     # booking ids
    """

    def __init__(
        self,
        *,
        sessions: Sessions,
        bus: Bus,
        clock: Callable[[], datetime],
        wake_outbox: Callable[[], None],
        interval: float = RELEASE_SECONDS,
        active: Callable[[], bool] = lambda: True,
    ) -> None:
        self._sessions = sessions
        self._bus = bus
        self._clock = clock
        self._wake_outbox = wake_outbox
        self._interval = interval
        # Whether this process runs the deployment's one releaser now.
        self._active = active

    async def run(self) -> None:
        while True:
            try:
                if self._active():
                    await self.release_due()
            except Exception:  # loop boundary: log, try again next pass
                log.exception("no-show release pass failed")
            await anyio.sleep(self._interval)

    async def release_due(self) -> list[str]:
        """Release every no-show due now; the released bookings' ids."""
        now = self._clock()
        async with self._sessions() as session:
            rules = await _release_rules(session)
            if not rules:
                return []
            released = [
                b
                for b in await _candidates(session, list(rules), now)
                if rules[b.tenant_id].releases(b, now)
            ]
            for booking in released:
                await _release(session, booking, rules[booking.tenant_id], now)
            await session.commit()
        for room_id in dict.fromkeys(b.room_id for b in released):
            await self._bus.publish(
                room_channel(room_id), {"type": "booking", "roomId": room_id}
            )
        for tenant_id in dict.fromkeys(b.tenant_id for b in released):
            await self._bus.publish(
                tenant_channel(tenant_id), {"type": "tenant", "tenantId": tenant_id}
            )
        if released:
            self._wake_outbox()
        return [b.id for b in released]


@dataclass(frozen=True)
class ReleaseRule:
    """A tenant's no-show rule: release after ``minutes``, for meetings that
    began at or after ``since`` (when check-in became required)."""

    minutes: int
    since: datetime | None
    time_zone: str = "UTC"

    def releases(self, booking: models.Booking, now: datetime) -> bool:
        if self.since is not None and booking.start < self.since:
            return False
        return is_no_show(
            start=booking.start,
            end=booking.end,
            checked_in_at=booking.checked_in_at,
            now=now,
            release_after=timedelta(minutes=self.minutes),
        )


async def _release_rules(session: AsyncSession) -> dict[str, ReleaseRule]:
    """Tenants that require check-in → their release rule."""
    found = {}
    for tenant in await session.scalars(select(models.Tenant)):
        rules = TenantSettings.from_stored(tenant.settings)
        if rules.check_in_required:
            found[tenant.id] = ReleaseRule(
                rules.no_show_release_minutes,
                rules.check_in_required_from(),
                tenant.time_zone or "UTC",
            )
    return found


async def _candidates(
    session: AsyncSession, tenant_ids: list[str], now: datetime
) -> list[models.Booking]:
    released_before = exists().where(
        models.OutboxItem.booking_id == models.Booking.id,
        models.OutboxItem.kind == OutboxKind.RELEASE_BOOKING.value,
    )
    earliest = timedelta(minutes=NO_SHOW_RELEASE_MINUTES[0])
    rows = await session.scalars(
        select(models.Booking).where(
            models.Booking.tenant_id.in_(tenant_ids),
            models.Booking.state == BookingState.CONFIRMED.value,
            models.Booking.checked_in_at.is_(None),
            models.Booking.source != BookingSource.DISPLAY.value,
            models.Booking.start <= now - earliest,
            models.Booking.start > now - LONGEST_MEETING,
            models.Booking.end > now,
            ~released_before,
        )
    )
    return list(rows.all())


async def _release(
    session: AsyncSession, booking: models.Booking, rule: ReleaseRule, now: datetime
) -> None:
    booking.state = BookingState.CANCELLED.value
    booking.decline_reason = release_reason(rule.minutes)
    booking.released_at = now
    booking.updated_at = now
    outbox_repo.enqueue(
        session,
        tenant_id=booking.tenant_id,
        kind=OutboxKind.RELEASE_BOOKING,
        payload={"minutes": rule.minutes},
        now=now,
        booking_id=booking.id,
    )
    room = await session.get(models.Room, booking.room_id)
    add_log(
        session,
        tenant_id=booking.tenant_id,
        room_id=booking.room_id,
        mailbox=room.mailbox_email if room else None,
        level="INFO",
        code=RELEASED_CODE,
        message=released_message(booking, room.name if room else "?", rule),
    )


RELEASED_CODE = "NO_SHOW_RELEASED"


def released_message(booking: models.Booking, room_name: str, rule: ReleaseRule) -> str:
    """The sync log's line for a release: meeting, organizer, room, rule, time
    (in the tenant's time zone)."""
    organizer = booking.organizer_name or booking.organizer_email or "an organizer"
    subject = "a private meeting" if booking.is_private else f"'{booking.subject}'"
    zone = ZoneInfo(rule.time_zone)
    start, end = booking.start.astimezone(zone), booking.end.astimezone(zone)
    return (
        f"No-show release: {subject} by {organizer} in {room_name}, "
        f"{start:%Y-%m-%d %H:%M} to {end:%H:%M} ({rule.time_zone}), was released: "
        f"check-in is required and nobody checked in within {rule.minutes} minutes."
    )


async def release_booking(job: WriteJob) -> Outcome:
    """Free the room in Exchange, as the room (see the module docstring)."""
    if job.booking is None:
        raise LookupError(f"outbox item {job.item_id} has no booking")
    booking = job.booking
    room = booking.room_email
    event_id = booking.graph_event_id or await _room_copy(job, booking)
    event = await job.graph.fetch_event(room, event_id) if event_id else None
    cancelled = BookingUpdate(state=BookingState.CANCELLED.value)
    if event is None:
        return Outcome(job.result | {"released": False}, cancelled)
    comment = release_reason(int(job.payload.get("minutes", 0)))
    if not event.is_organizer:
        done = await job.graph.decline_event(room, event.id, comment)
    elif event.attendees:
        done = await job.graph.cancel_event(room, event.id, comment)
    else:
        done = await job.graph.delete_event(room, event.id)
    return Outcome(job.result | {"released": done}, cancelled)


async def _room_copy(job: WriteJob, booking: BookingView) -> str | None:
    """The room's copy of a meeting the sync has not matched yet (by iCalUId)."""
    if not booking.ical_uid:
        return None
    found = await job.graph.fetch_calendar_view(
        booking.room_email, booking.start, booking.end
    )
    return next((e.id for e in found if e.ical_uid == booking.ical_uid), None)
