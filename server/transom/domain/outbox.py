"""What a write to Microsoft 365 is and where it stands (the outbox, ``transom.db.outbox``)."""

from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    HELD = "HELD"
    FAILED = "FAILED"
    DROPPED = "DROPPED"


class OutboxKind(StrEnum):
    """The stored value names the job; the GraphQL enum uses the member names."""

    CREATE_BOOKING = "booking.create"
    AWAIT_ROOM_RESPONSE = "booking.await_response"
    CANCEL_BOOKING = "booking.cancel"
    EXTEND_BOOKING = "booking.extend"
    AWAIT_EXTENSION = "booking.await_extension"
    RELEASE_BOOKING = "booking.release"
    SYNC_ABSENCE = "absence.sync"
