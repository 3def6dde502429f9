"""What a door display may show of a booking, by the tenant's privacy settings.

A display hangs in a corridor: subjects and organizers appear only where the
tenant allows; a private meeting never shows its subject or organizer (and with
SHOW_AS_BUSY not even that it is private). Other viewers see the booking as is.
"""

from __future__ import annotations

import dataclasses

from transom.api.bookings.types import Booking, Organizer
from transom.db import models
from transom.domain.access import Role, Viewer
from transom.domain.tenant_settings import TenantSettings

HIDDEN = Organizer(name=None, email=None, anonymous=False)


def for_viewer(
    row: models.Booking, tenant: models.Tenant | None, viewer: Viewer
) -> Booking:
    booking = Booking.from_model(row)
    if viewer.role is not Role.DISPLAY:
        return booking
    return masked(
        booking, TenantSettings.from_stored(tenant.settings if tenant else None)
    )


def masked(booking: Booking, settings: TenantSettings) -> Booking:
    private = booking.is_private
    show_subject = settings.show_subject and not private
    show_organizer = settings.show_organizer and not private
    return dataclasses.replace(
        booking,
        subject=booking.subject if show_subject else None,
        organizer=booking.organizer if show_organizer else HIDDEN,
        is_private=private and settings.private_meeting_handling == "SHOW_AS_PRIVATE",
    )
