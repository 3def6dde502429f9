"""Channel names: one per room, tenant, display and person, and the outbox's."""

from __future__ import annotations

OUTBOX_CHANNEL = "outbox"
"""Published after a Graph write is enqueued or released; outbox workers wake."""


def room_channel(room_id: str) -> str:
    return f"room:{room_id}"


def tenant_channel(tenant_id: str) -> str:
    return f"tenant:{tenant_id}"


def display_channel(display_id: str) -> str:
    return f"display:{display_id}"


def person_channel(person_id: str) -> str:
    """A person's availability inputs changed (calendar, absences, toggle)."""
    return f"person:{person_id}"
