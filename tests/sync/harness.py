"""A Transom server with sync on, an emulator, and the GraphQL calls tests make.

The emulator (seed ``empty`` + :func:`provision`) and Transom each run in their
own uvicorn thread; Transom's ``TRANSOM_PUBLIC_URL`` is its own URL, so Graph
(the emulator) delivers change notifications to ``/webhooks/graph``. Outlook
actions go through the real msgraph-sdk as the organizer.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import anyio
import httpx

from tests.graphql_client import user_errors_of
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_DOMAIN, TENANT_ID
from transom.emulator.provisioning import add_room, add_user
from transom.emulator.store import Emulator
from transom.settings import Settings

T = TypeVar("T")
ROOMS = (("Aurora", "aurora", 8, "North"), ("Borealis", "borealis", 4, "North"),
         ("Cirrus", "cirrus", 12, "South"))  # fmt: skip
PEOPLE = (("Adele Vance", "adele"), ("Ben Berg", "ben"))


def address(alias: str) -> str:
    return f"{alias}@{TENANT_DOMAIN}"


def provision(emulator: Emulator) -> None:
    for name, alias, capacity, building in ROOMS:
        add_room(emulator, TENANT_ID, name, alias, capacity=capacity, building=building)
    for name, alias in PEOPLE:
        add_user(emulator, TENANT_ID, name, alias)


def sync_settings(
    database_url: str,
    tmp_path: Path,
    *,
    emulator_url: str,
    public_url: str | None,
    poll_seconds: float = 60.0,
    reconcile_seconds: float = 3600.0,
) -> Settings:
    return Settings.from_env(
        sync_env(
            database_url,
            tmp_path,
            emulator_url=emulator_url,
            public_url=public_url,
            poll_seconds=poll_seconds,
            reconcile_seconds=reconcile_seconds,
        )
    )


def sync_env(
    database_url: str,
    tmp_path: Path,
    *,
    emulator_url: str,
    public_url: str | None,
    poll_seconds: float = 60.0,
    reconcile_seconds: float = 3600.0,
) -> dict[str, str]:
    """The TRANSOM_* variables of a server with sync on against the emulator."""
    env = {
        "TRANSOM_DATA_DIR": str(tmp_path / "data"),
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "TRANSOM_RUN_SYNC": "true",
        "TRANSOM_GRAPH_URL": emulator_url,
        "TRANSOM_AUTHORITY_URL": emulator_url,
        "TRANSOM_POLL_INTERVAL": str(poll_seconds),
        "TRANSOM_RECONCILE_INTERVAL": str(reconcile_seconds),
    }
    if public_url:
        env["TRANSOM_PUBLIC_URL"] = public_url
    return env


async def eventually(
    check: Callable[[], Awaitable[T | None]], within: float, what: str = ""
) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``within`` s."""
    deadline = time.monotonic() + within
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await anyio.sleep(0.05)
    raise AssertionError(f"not within {within} s: {what} (last: {last!r})")


CONNECT = """
mutation ($input: ConnectTenantInput!) {
  connectTenant(input: $input) { connectionTest { status message code hint organizationName roomCount } }
}"""
TEST = """
mutation ($id: ID!) { testTenantConnection(tenantId: $id) { connectionTest { status code hint } } }"""
IMPORT = """
mutation ($id: ID!) { importRooms(tenantId: $id) { created updated
  rooms { id name mailbox capacity building } } }"""
LINK = """
mutation ($room: ID!, $email: String!) { linkRoomMailbox(roomId: $room, email: $email) { room {
  id linkState linkError linkErrorCode linkHint } } }"""
ROOM = """
query ($id: ID!, $start: DateTime!, $end: DateTime!) { room(id: $id) {
  id linkState sync { status since problem mode lastSyncedAt lastError errorCode
    hint }
  bookings(start: $start, end: $end) { id subject start end state source seriesId
    isPrivate organizer { name email anonymous } } } }"""


@dataclass
class Api:
    """GraphQL over HTTP with an admin token; asserts no errors unless asked."""

    base_url: str
    token: str
    tenant_id: str

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=60) as http:
            response = await http.post(
                f"{self.base_url}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {self.token}"},
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.post(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        refused = user_errors_of(data)
        assert not refused, refused
        return data

    async def connect(self, secret: str = CLIENT_SECRET) -> dict[str, Any]:
        expires = (datetime.now(UTC) + timedelta(days=300)).isoformat()
        data = await self.data(
            CONNECT,
            input={
                "tenantId": self.tenant_id,
                "directoryId": TENANT_ID,
                "clientId": CLIENT_ID,
                "clientSecret": secret,
                "secretExpiresAt": expires,
            },
        )
        result: dict[str, Any] = data["connectTenant"]["connectionTest"]
        return result

    async def import_rooms(self) -> dict[str, str]:
        data = await self.data(IMPORT, id=self.tenant_id)
        return {r["mailbox"]: r["id"] for r in data["importRooms"]["rooms"]}

    async def link(self, room_id: str, email: str) -> dict[str, Any]:
        data = await self.data(LINK, room=room_id, email=email)
        room: dict[str, Any] = data["linkRoomMailbox"]["room"]
        return room

    async def room(self, room_id: str, days: int = 14) -> dict[str, Any]:
        now = datetime.now(UTC)
        data = await self.data(
            ROOM,
            id=room_id,
            start=(now - timedelta(days=1)).isoformat(),
            end=(now + timedelta(days=days)).isoformat(),
        )
        room: dict[str, Any] = data["room"]
        return room

    async def in_sync(self, room_id: str, within: float = 10) -> dict[str, Any]:
        """Wait until the room is current: IN_SYNC, or POLLING without a
        public URL."""

        async def check() -> dict[str, Any] | None:
            room = await self.room(room_id)
            sync = room["sync"]
            current = sync and sync["status"] in ("IN_SYNC", "POLLING")
            return room if current else None

        return await eventually(check, within, "room in sync")

    async def bookings(self, room_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = (await self.room(room_id))["bookings"]
        return found


async def control(emulator_url: str, method: str, path: str, **body: Any) -> Any:
    async with httpx.AsyncClient(base_url=emulator_url, timeout=30) as http:
        response = await http.request(method, f"/_emulator{path}", json=body or None)
    assert response.status_code < 400, response.text
    return response.json() if response.content else None
