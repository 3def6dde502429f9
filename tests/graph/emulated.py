"""The Graph emulator with a small directory, and our adapter pointed at it.

People: Adele and Megan (mailboxes), Alex (no mailbox). Rooms: Room 1 (8 seats)
and Room 2 (4 seats) in room list "North rooms". Rooms answer after 50 ms.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import httpx

from transom.emulator import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT_DOMAIN,
    TENANT_ID,
    create_app,
)
from transom.emulator.provisioning import add_room, add_room_list, add_user
from transom.graph import (
    ClientSecretCredentials,
    GraphEndpoints,
    GraphLimits,
    GraphTenantClient,
    RequestCounter,
    open_graph_client,
)

ADELE = f"adelev@{TENANT_DOMAIN}"
MEGAN = f"meganb@{TENANT_DOMAIN}"
ALEX = f"alexw@{TENANT_DOMAIN}"
ROOM1 = f"room1@{TENANT_DOMAIN}"
ROOM2 = f"room2@{TENANT_DOMAIN}"
ROOM_LIST = f"rooms-north@{TENANT_DOMAIN}"
SECRET = ClientSecretCredentials(TENANT_ID, CLIENT_ID, CLIENT_SECRET)
APP_PATH = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
T = TypeVar("T")


@dataclass
class Emulated:
    """A served emulator: base URL, state object and a control-API client."""

    url: str
    state: Any
    control: httpx.AsyncClient

    def endpoints(self) -> GraphEndpoints:
        return GraphEndpoints(graph_url=self.url, authority_url=self.url)

    def client(
        self, credentials: Any = SECRET, limits: GraphLimits | None = None
    ) -> tuple[GraphTenantClient, RequestCounter]:
        counter = RequestCounter()
        client = open_graph_client(
            credentials, self.endpoints(), request_counter=counter, limits=limits
        )
        return client, counter


def directory_app() -> Any:
    app = create_app(seed="empty", attendant_delay=0.05)
    state = app.state.emulator
    add_user(
        state, TENANT_ID, "Adele Vance", "adelev", aliases=["adele@contoso.example"]
    )
    add_user(state, TENANT_ID, "Megan Bowen", "meganb")
    add_user(state, TENANT_ID, "Alex Wilber", "alexw", has_mailbox=False)
    room1 = add_room(
        state, TENANT_ID, "Room 1", "room1", capacity=8, building="North", floor=1
    )
    room2 = add_room(
        state, TENANT_ID, "Room 2", "room2", capacity=4, building="North", floor=2
    )
    add_room_list(state, TENANT_ID, "North rooms", "rooms-north", [room1, room2])
    return app


async def eventually(check: Callable[[], Awaitable[T]], within: float = 5) -> T:
    """Retry ``check`` until it stops raising AssertionError (rooms answer later)."""
    deadline = anyio.current_time() + within
    while True:
        try:
            return await check()
        except AssertionError:
            if anyio.current_time() > deadline:
                raise
            await anyio.sleep(0.05)
