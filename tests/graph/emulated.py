"""The Graph emulator with the core tests' small directory, and our adapter on it.

People: Adele and Megan (mailboxes), Alex (no mailbox). Rooms: Room 1 (8 seats)
and Room 2 (4 seats) in room list "North rooms". Rooms answer after 50 ms.
The directory (``directory_app``) and ``eventually`` are the emulator tests' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.emulator.core_directory import (
    ADELE,
    ALEX,
    MEGAN,
    ROOM1,
    ROOM2,
    ROOM_LIST,
    eventually,
)
from tests.emulator.core_directory import core_app as directory_app
from transom.emulator import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT_ID,
)
from transom.graph import (
    ClientSecretCredentials,
    GraphEndpoints,
    GraphLimits,
    GraphTenantClient,
    RequestCounter,
    open_graph_client,
)

__all__ = [
    "ADELE", "ALEX", "MEGAN", "ROOM1", "ROOM2", "ROOM_LIST", "Emulated",
    "directory_app", "eventually",
]  # fmt: skip

SECRET = ClientSecretCredentials(TENANT_ID, CLIENT_ID, CLIENT_SECRET)
APP_PATH = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}"


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
