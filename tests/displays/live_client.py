"""A graphql-transport-ws client for tests: one subscription, messages in order."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from websockets.asyncio.client import ClientConnection, connect


class Subscription:
    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws

    async def next(self, seconds: float = 5) -> dict[str, Any]:
        """The next payload (``next`` or ``error``), or the completion."""
        with anyio.fail_after(seconds):
            while True:
                message = json.loads(await self._ws.recv())
                if message["type"] in ("next", "error"):
                    payload: dict[str, Any] = message["payload"]
                    return payload
                if message["type"] == "complete":
                    return {"complete": True}


@asynccontextmanager
async def subscribe(
    base_url: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> AsyncIterator[Subscription]:
    url = base_url.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {
            "type": "connection_init",
            "payload": {"Authorization": f"Bearer {token}"},
        }
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": query, "variables": variables or {}}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        yield Subscription(ws)
