"""Channel names: one per room, tenant, display and person, and the outbox's and sync's."""

from __future__ import annotations

OUTBOX_CHANNEL = "outbox"
"""Published after a Graph write is enqueued or released; outbox workers wake."""
SYNC_CHANNEL = "sync"
"""Signals to every process's sync supervisor (``sync.supervisor``): reconcile
now, wake loops, or change notifications another process received."""


def room_channel(room_id: str) -> str:
    return f"room:{room_id}"


def tenant_channel(tenant_id: str) -> str:
    return f"tenant:{tenant_id}"


def display_channel(display_id: str) -> str:
    return f"display:{display_id}"


def person_channel(person_id: str) -> str:
    """A person's availability inputs changed (calendar, absences, toggle)."""
    return f"person:{person_id}"


def access_channel(credential_id: str) -> str:
    """A credential was revoked or its rights changed (``Viewer.token_id``: a
    display's id, an API token's id, ``admin-session:<id>``)."""
    return f"access:{credential_id}"
