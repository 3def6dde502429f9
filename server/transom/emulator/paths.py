"""Request path normalisation, so SDK spellings reach one route (graph-contract.md §0.5).

An ASGI middleware rewriting ``scope["path"]`` of Graph requests:

- ``//`` collapses to ``/`` (httpx base_url joins produce ``/v1.0//users``);
- ``/beta/`` is served as ``/v1.0/``;
- function segments ``delta()``, ``microsoft.graph.delta`` → ``delta``
  (same for every bound action/function, e.g. ``microsoft.graph.getSchedule``);
- type casts ``graph.room``, ``microsoft.graph.roomList`` (any case) →
  ``microsoft.graph.room`` / ``microsoft.graph.roomlist``.

Ids arrive percent-decoded already (uvicorn decodes ``path``).
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

CASTS = {"room": "microsoft.graph.room", "roomlist": "microsoft.graph.roomlist"}
_SLASHES = re.compile(r"/{2,}")


def normalise_segment(segment: str) -> str:
    lowered = segment.lower()
    for prefix in ("microsoft.graph.", "graph."):
        if lowered.startswith(prefix):
            name = segment[len(prefix) :].removesuffix("()")
            return CASTS.get(name.lower(), name)
    return segment.removesuffix("()") if segment.endswith("()") else segment


def normalise_path(path: str) -> str:
    """The canonical form of a Graph request path."""
    path = _SLASHES.sub("/", path)
    if path.startswith("/beta/"):
        path = "/v1.0/" + path[len("/beta/") :]
    if not path.startswith("/v1.0/"):
        return path
    segments = path.split("/")
    return "/".join(normalise_segment(s) for s in segments)


class PathNormaliser:
    """ASGI middleware applying :func:`normalise_path` to HTTP requests."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = dict(scope)
            scope["path"] = normalise_path(scope["path"])
            scope["raw_path"] = scope["path"].encode()
        await self.app(scope, receive, send)
