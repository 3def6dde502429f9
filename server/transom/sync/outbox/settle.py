"""Recording what became of an outbox row, with its booking, in one transaction.

Every function loads the row afresh in the given session, changes it (and its
booking), and leaves the commit to the caller. A booking change that records an
Exchange id first locks the room and absorbs a copy a delta round made of the
same event meanwhile (``sync.booking_claims``), so the user's booking is the one
row Transom keeps for it. ``finish``, ``fail`` and ``hold``
return the room whose displays should reload (``finish`` only when something a
display shows changed); the worker publishes it after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import audit as audit_repo
from transom.db import models
from transom.db import outbox as outbox_repo
from transom.db.rooms import lock_room
from transom.domain.audit import (
    AUTOMATIC_ACTOR,
    ActorKind,
    AuditTarget,
    AutomaticAction,
    exchange_action,
    redacted,
    retention_cutoff,
)
from transom.domain.displays import ExtensionState
from transom.domain.outbox import OutboxKind, OutboxStatus
from transom.graph import GraphError
from transom.sync.outbox.claims import absorb_copies
from transom.sync.outbox.jobs import BookingUpdate, Outcome


@dataclass(frozen=True)
class Failure:
    """Why an attempt failed, for the admin: message, code, how to fix it."""

    message: str
    code: str | None
    hint: str | None

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        if isinstance(exc, GraphError):
            return cls(exc.message, exc.code or type(exc).__name__, exc.hint)
        hint = getattr(exc, "hint", None)
        return cls(str(exc) or type(exc).__name__, type(exc).__name__, hint)

    @classmethod
    def blocked(cls, tenant: models.Tenant) -> Failure:
        """Held without trying: the tenant's connection needs an admin."""
        return cls(
            tenant.connection_message or "the tenant is not connected",
            tenant.connection_code or tenant.connection_status,
            tenant.connection_hint,
        )


async def _item(session: AsyncSession, item_id: str) -> models.OutboxItem:
    item = await outbox_repo.get_item(session, item_id=item_id, tenant_id=None)
    if item is None:
        raise LookupError(f"outbox item {item_id} vanished")
    return item


async def _booking(
    session: AsyncSession, item: models.OutboxItem
) -> models.Booking | None:
    if item.booking_id is None:
        return None
    return await session.get(models.Booking, item.booking_id, populate_existing=True)


def _record(item: models.OutboxItem, failure: Failure | None) -> None:
    item.last_error = failure.message if failure else None
    item.last_error_code = failure.code if failure else None
    result = dict(item.result or {})
    if failure and failure.hint:
        result["hint"] = failure.hint
    else:
        result.pop("hint", None)
    item.result = result


async def _update_booking(
    session: AsyncSession,
    item: models.OutboxItem,
    update: BookingUpdate | None,
    now: datetime,
) -> models.Booking | None:
    """Load the item's booking and apply ``update``; None when there is none.

    Returns the booking only when something a display shows changed.
    """
    booking = await _booking(session, item)
    if booking is None or update is None:
        return None
    if update.graph_event_id or update.ical_uid:
        await lock_room(session, booking.room_id)
        await session.refresh(booking)
        await absorb_copies(
            session,
            booking,
            graph_event_id=update.graph_event_id,
            ical_uid=update.ical_uid,
        )
    return booking if update.apply(booking, now) else None


async def checkpoint(
    session: AsyncSession,
    *,
    item_id: str,
    result: dict[str, Any],
    update: BookingUpdate | None,
    now: datetime,
) -> None:
    """Save a handler's progress while the row stays RUNNING."""
    item = await _item(session, item_id)
    item.result = dict(result)
    await _update_booking(session, item, update, now)


async def finish(
    session: AsyncSession,
    *,
    item_id: str,
    outcome: Outcome,
    now: datetime,
    audit_retention_days: int | None = None,
) -> str | None:
    """DONE (or PENDING again for a poll), booking updated, follow-up enqueued;
    a change Transom made in Exchange by itself goes to the audit log (pruned
    to ``audit_retention_days``)."""
    item = await _item(session, item_id)
    item.result = dict(outcome.result)
    _record(item, None)
    if outcome.again_after is not None:
        item.status = OutboxStatus.PENDING.value
        item.next_attempt_at = now + outcome.again_after
        item.attempts = 0
    else:
        item.status = OutboxStatus.DONE.value
        action = exchange_action(item.kind, item.payload or {}, outcome.result)
        if action is not None:
            await _audit(session, item, action, now, audit_retention_days)
    changed = await _update_booking(session, item, outcome.booking, now)
    if outcome.follow_up is not None:
        outbox_repo.enqueue(
            session,
            tenant_id=item.tenant_id,
            kind=outcome.follow_up.kind,
            payload=outcome.follow_up.payload,
            now=now + outcome.follow_up.delay,
            booking_id=item.booking_id,
        )
    return changed.room_id if changed is not None else None


AUTOMATIC = audit_repo.Actor(ActorKind.AUTOMATIC, None, AUTOMATIC_ACTOR)


async def _audit(
    session: AsyncSession,
    item: models.OutboxItem,
    action: AutomaticAction,
    now: datetime,
    retention_days: int | None,
) -> None:
    """The audit entry of an automatic change in Exchange: the room is the
    target; the meeting (never a private one's subject) is the change."""
    booking = await _booking(session, item)
    room = await session.get(models.Room, booking.room_id) if booking else None
    after: dict[str, object] = {}
    if booking is not None:
        after = {
            "bookingId": booking.id,
            "meeting": "a private meeting" if booking.is_private else booking.subject,
            "organizer": booking.organizer_email,
            "start": booking.start,
            "end": booking.end,
            "reason": booking.decline_reason,
        }
    audit_repo.add_entry(
        session,
        at=now,
        tenant_id=item.tenant_id,
        actor=AUTOMATIC,
        action=action.value,
        target=AuditTarget("Room", room.id, room.name) if room else None,
        before=None,
        after=redacted(after),
    )
    if retention_days is not None:
        await audit_repo.prune(session, before=retention_cutoff(now, retention_days))


async def reschedule(
    session: AsyncSession,
    *,
    item_id: str,
    delay: timedelta,
    failure: Failure | None,
    now: datetime,
) -> None:
    """PENDING again after ``delay``; the error stays visible meanwhile."""
    item = await _item(session, item_id)
    item.status = OutboxStatus.PENDING.value
    item.next_attempt_at = now + delay
    _record(item, failure)


async def fail(
    session: AsyncSession, *, item_id: str, failure: Failure, now: datetime
) -> str | None:
    """FAILED: stays visible until an admin retries or drops it.

    A pending extension gives up (FAILED, the previous end back), so the door
    does not promise time Exchange never granted. Returns the booking's room.
    """
    item = await _item(session, item_id)
    item.status = OutboxStatus.FAILED.value
    item.next_attempt_at = now
    _record(item, failure)
    booking = await _booking(session, item)
    if booking is None:
        return None
    if item.kind in EXTENSION_KINDS:
        give_up_extension(booking, failure.message, now)
    return booking.room_id


EXTENSION_KINDS = (OutboxKind.EXTEND_BOOKING.value, OutboxKind.AWAIT_EXTENSION.value)


def give_up_extension(booking: models.Booking, reason: str, now: datetime) -> bool:
    """A PENDING extension → FAILED with the previous end; True if it was pending."""
    if booking.extension_state != ExtensionState.PENDING:
        return False
    booking.extension_state = ExtensionState.FAILED.value
    booking.extension_reason = reason
    if booking.extension_previous_end is not None:
        booking.end = booking.extension_previous_end
    booking.updated_at = now
    return True


async def hold(
    session: AsyncSession, *, item_id: str, failure: Failure, now: datetime
) -> str | None:
    """HELD until the tenant's credentials work again (``release_held``).

    Returns the booking's room, whose displays should reload.
    """
    item = await _item(session, item_id)
    item.status = OutboxStatus.HELD.value
    item.next_attempt_at = now
    _record(item, failure)
    booking = await _booking(session, item)
    return booking.room_id if booking is not None else None
