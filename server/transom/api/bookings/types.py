"""Booking and organizer types."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from transom.api.enums import BookingSource, BookingState, ExtensionState
from transom.api.node import Node
from transom.db import models
from transom.domain.errors import InvalidInputError

MAX_RANGE = timedelta(days=93)


@strawberry.type(description="The last extension asked for (extendBooking).")
class BookingExtension:
    state: ExtensionState = strawberry.field(
        description="Exchange's answer to the new end."
    )
    requested_end: datetime = strawberry.field(description="The end asked for.")
    previous_end: datetime = strawberry.field(description="The end before.")
    reason: str | None = strawberry.field(description="Why declined or failed.")

    @classmethod
    def from_model(cls, row: models.Booking) -> BookingExtension | None:
        if (
            row.extension_state is None
            or row.extension_end is None
            or row.extension_previous_end is None
        ):
            return None
        return cls(
            state=ExtensionState(row.extension_state),
            requested_end=row.extension_end,
            previous_end=row.extension_previous_end,
            reason=row.extension_reason,
        )


@strawberry.type(description="Who booked. Both fields are null when anonymous.")
class Organizer:
    name: str | None = strawberry.field(
        description="The organizer's display name; null when anonymous."
    )
    email: str | None = strawberry.field(
        description="The organizer's address; null when anonymous."
    )
    anonymous: bool = strawberry.field(
        description="True when the organizer is not in this tenant's directory."
    )


@strawberry.type(description="A room booked for a span of time.")
class Booking(Node):
    id: strawberry.ID = strawberry.field(description="The booking's id.")
    room_id: strawberry.ID = strawberry.field(description="The room booked.")
    subject: str | None = strawberry.field(
        description="Null for private meetings and where privacy settings hide it."
    )
    start: datetime = strawberry.field(description="When it starts (UTC).")
    end: datetime = strawberry.field(description="When it ends, exclusive (UTC).")
    source: BookingSource = strawberry.field(description="Where it was made.")
    state: BookingState = strawberry.field(
        description="Exchange's answer; only PENDING and CONFIRMED hold the room."
    )
    organizer: Organizer = strawberry.field(
        description="Who booked (hidden when anonymous)."
    )
    is_private: bool = strawberry.field(
        description="Marked private in Outlook: subject is null."
    )
    series_id: str | None = strawberry.field(
        description="Shared by a recurring series."
    )
    checked_in_at: datetime | None = strawberry.field(
        description="When someone checked in at the door (UTC); null if nobody did."
    )
    decline_reason: str | None = strawberry.field(
        description="Why Exchange declined it (state DECLINED); null otherwise."
    )
    extension: BookingExtension | None = strawberry.field(
        description="The last extension asked for at the door, if any."
    )

    @classmethod
    def from_model(cls, row: models.Booking) -> Booking:
        organizer = Organizer(
            name=None if row.is_anonymous else row.organizer_name,
            email=None if row.is_anonymous else row.organizer_email,
            anonymous=row.is_anonymous,
        )
        return cls(
            id=strawberry.ID(row.id),
            room_id=strawberry.ID(row.room_id),
            subject=None if row.is_private else row.subject,
            start=row.start,
            end=row.end,
            source=BookingSource(row.source),
            state=BookingState(row.state),
            organizer=organizer,
            is_private=row.is_private,
            series_id=row.series_id,
            checked_in_at=row.checked_in_at,
            decline_reason=row.decline_reason,
            extension=BookingExtension.from_model(row),
        )


def check_range(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInputError("start and end need a UTC offset", field="start")
    if end <= start:
        raise InvalidInputError("end must be after start", field="end")
    if end - start > MAX_RANGE:
        raise InvalidInputError("a range can span at most 93 days", field="end")
