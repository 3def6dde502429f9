"""Admin commands on outbox rows: retry a failed or held write, or drop it.

Dropping is honest about the booking: a create that is dropped never reached
Exchange (or its result is disowned), so the booking becomes DECLINED with that
reason; a dropped cancel leaves the event in Exchange, so the booking gets back
the state it had before the cancel. Changes stay in the caller's session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.bookings import BookingState
from transom.domain.errors import ConflictError
from transom.domain.outbox import OutboxKind, OutboxStatus
from transom.sync.outbox.settle import EXTENSION_KINDS, give_up_extension

RETRYABLE = (OutboxStatus.FAILED.value, OutboxStatus.HELD.value)
DROPPABLE = (
    OutboxStatus.FAILED.value,
    OutboxStatus.HELD.value,
    OutboxStatus.PENDING.value,
)
DROPPED_CREATE = "an admin dropped the write to Exchange before it succeeded"
DROPPED_CHANGE = "an admin dropped the change before Exchange took it"


def retry_item(item: models.OutboxItem, *, now: datetime) -> None:
    """FAILED/HELD → PENDING, due now, with a fresh attempt budget."""
    if item.status not in RETRYABLE:
        raise ConflictError(
            f"only failed or held writes can be retried; this one is {item.status}"
        )
    item.status = OutboxStatus.PENDING.value
    item.next_attempt_at = now
    item.attempts = 0


async def drop_item(
    session: AsyncSession, item: models.OutboxItem, *, now: datetime
) -> models.Booking | None:
    """→ DROPPED; returns the booking whose state changed, if any."""
    if item.status not in DROPPABLE:
        raise ConflictError(
            f"only pending, held or failed writes can be dropped; this one is "
            f"{item.status}"
        )
    item.status = OutboxStatus.DROPPED.value
    item.next_attempt_at = now
    booking = (
        await session.get(models.Booking, item.booking_id) if item.booking_id else None
    )
    if booking is None or not _disown(item, booking):
        return None
    booking.updated_at = now
    return booking


def _disown(item: models.OutboxItem, booking: models.Booking) -> bool:
    if item.kind in EXTENSION_KINDS:
        return give_up_extension(booking, DROPPED_CHANGE, booking.updated_at)
    if item.kind == OutboxKind.CREATE_BOOKING and booking.state in (
        BookingState.PENDING,
        BookingState.CONFIRMED,
    ):
        booking.state = BookingState.DECLINED.value
        booking.decline_reason = DROPPED_CREATE
        return True
    if item.kind == OutboxKind.CANCEL_BOOKING:
        previous = (item.payload or {}).get("previous_state")
        if previous and booking.state == BookingState.CANCELLED:
            booking.state = str(previous)
            return True
    return False
