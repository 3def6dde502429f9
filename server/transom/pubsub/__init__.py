"""Change events for subscriptions, by channel.

Events carry ids only; subscribers reload data and re-check the tenant. The
backend is chosen by URL scheme (``TRANSOM_PUBSUB_URL``, see
:mod:`transom.pubsub.factory`): ``memory://`` in one process, ``redis://`` or
``postgresql://`` across processes.

    async with create_bus("redis://127.0.0.1:6379/0") as bus:
        async with bus.subscribe(room_channel(room_id)) as events:
            event = await events.get()

Modules: ``base`` (the Bus and Transport protocols), ``channels`` (names),
``memory`` (in-process fan-out), ``relay`` (fan-out plus a transport),
``redis_transport`` and ``postgres_transport`` (the backends), ``factory``,
``held`` (subscriptions a process holds beyond a request, in one task).
"""

from transom.pubsub.base import Bus, Event, RelayError, Transport
from transom.pubsub.channels import (
    OUTBOX_CHANNEL,
    SYNC_CHANNEL,
    access_channel,
    display_channel,
    person_channel,
    room_channel,
    tenant_channel,
)
from transom.pubsub.factory import create_bus
from transom.pubsub.held import Held, HeldSubscriptions
from transom.pubsub.memory import MemoryBus
from transom.pubsub.relay import RESYNC, RelayBus

__all__ = [
    "OUTBOX_CHANNEL",
    "RESYNC",
    "SYNC_CHANNEL",
    "Bus",
    "Event",
    "Held",
    "HeldSubscriptions",
    "MemoryBus",
    "RelayBus",
    "RelayError",
    "Transport",
    "access_channel",
    "create_bus",
    "display_channel",
    "person_channel",
    "room_channel",
    "tenant_channel",
]
