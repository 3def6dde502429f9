"""The demo's "Outlook" page at ``/_emulator/outlook`` (being built)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from .store import Emulator


def outlook_routes(emulator: Emulator) -> list[BaseRoute]:
    return []
