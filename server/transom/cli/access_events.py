"""Telling running servers that credentials were revoked or changed.

The command line changes the database and then publishes ``access:<credential>``
on the configured event bus (``TRANSOM_PUBSUB_URL``), so every server process
re-checks its open websockets of those credentials at once
(:mod:`transom.api.transport.socket_access`). A ``memory://`` bus lives inside one server
process and cannot be reached from here: those servers notice on their next
periodic re-check (``TRANSOM_ACCESS_RECHECK_INTERVAL``).
"""

from __future__ import annotations

from collections.abc import Iterable

from transom.api.transport.socket_access import announce_access_changed
from transom.pubsub import RelayBus, create_bus
from transom.settings import Settings


async def publish_access_changed(
    settings: Settings, credentials: Iterable[str], kind: str
) -> bool:
    """Publish for each credential; whether other processes can have heard it."""
    wanted = list(credentials)
    if not wanted:
        return True
    async with create_bus(settings.pubsub_url, settings.pubsub_namespace) as bus:
        await announce_access_changed(bus, wanted, kind)
        return isinstance(bus, RelayBus) and bus.connected


def unreached_note(settings: Settings) -> str:
    """What to tell the operator when the bus could not carry the event."""
    seconds = f"{settings.access_recheck_seconds:g}"
    if settings.pubsub_url.startswith("memory"):
        return (
            "note: TRANSOM_PUBSUB_URL is memory://, which this command cannot "
            f"reach: running servers close affected websockets within {seconds} s"
        )
    return (
        "warning: the event bus could not be reached: running servers close "
        f"affected websockets within {seconds} s"
    )
