"""A small, fixed directory for the core tests, built on the ``empty`` seed.

People: Adele (organizer), Megan, Alex (no mailbox). Rooms: "Room 1" (8 seats,
AutoAccept defaults), "Room 2" (4 seats), in room list ``rooms-north``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import pytest
from starlette.applications import Starlette

from tests.servers import serve_in_thread
from transom.emulator import TENANT_DOMAIN, TENANT_ID, Emulator, create_app
from transom.emulator.provisioning import add_room, add_room_list, add_user

ADELE = f"adelev@{TENANT_DOMAIN}"
MEGAN = f"meganb@{TENANT_DOMAIN}"
ALEX = f"alexw@{TENANT_DOMAIN}"
ROOM1 = f"room1@{TENANT_DOMAIN}"
ROOM2 = f"room2@{TENANT_DOMAIN}"
ROOM_LIST = f"rooms-north@{TENANT_DOMAIN}"
T = TypeVar("T")


def core_app(**options: Any) -> Starlette:
    """The emulator with the core test directory; rooms answer after 50 ms."""
    options.setdefault("attendant_delay", 0.05)
    app = create_app(seed="empty", **options)
    emulator = app.state.emulator
    add_user(
        emulator, TENANT_ID, "Adele Vance", "adelev", aliases=["adele@contoso.example"]
    )
    add_user(emulator, TENANT_ID, "Megan Bowen", "meganb")
    add_user(emulator, TENANT_ID, "Alex Wilber", "alexw", has_mailbox=False)
    room1 = add_room(
        emulator, TENANT_ID, "Room 1", "room1", capacity=8, building="North", floor=1
    )
    room2 = add_room(
        emulator, TENANT_ID, "Room 2", "room2", capacity=4, building="North", floor=2
    )
    add_room_list(emulator, TENANT_ID, "North rooms", "rooms-north", [room1, room2])
    return app


@dataclass
class CoreServer:
    """A running emulator: its HTTP base URL and its state object."""

    url: str
    emulator: Emulator


@pytest.fixture
def core_server() -> Iterator[CoreServer]:
    """A fresh emulator with the core directory, served over HTTP."""
    app = core_app()
    with serve_in_thread(app) as url:
        yield CoreServer(url, app.state.emulator)


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
