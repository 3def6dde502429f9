"""A small emulator directory for the edge tests: two people and one room.

Built on the ``empty`` seed through the emulator's own provisioning functions,
so the tests don't depend on the demo seed's contents.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from transom.emulator import TENANT_DOMAIN, TENANT_ID, create_app
from transom.emulator.provisioning import add_room, add_user

ADELE = f"adelev@{TENANT_DOMAIN}"
MEGAN = f"meganb@{TENANT_DOMAIN}"
ROOM = f"room1@{TENANT_DOMAIN}"


def small_directory_app(**options: Any) -> Starlette:
    """The emulator app with Adele, Megan and the room "Room 1" (8 seats)."""
    app = create_app(seed="empty", **options)
    emulator = app.state.emulator
    add_user(emulator, TENANT_ID, "Adele Vance", "adelev")
    add_user(emulator, TENANT_ID, "Megan Bowen", "meganb")
    add_room(emulator, TENANT_ID, "Room 1", "room1", capacity=8, building="North")
    return app
