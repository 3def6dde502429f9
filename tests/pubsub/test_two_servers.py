"""Two `transom serve` processes on one database and one bus: a change made
through one reaches a subscriber of the other."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.displays.live_client import subscribe
from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.pubsub.backends import pubsub_url
from tests.servers import free_port

pytestmark = pytest.mark.anyio

UPDATE_ROOM = (
    'mutation U($id: ID!) { updateRoom(id: $id, input: {name: "Nova"}) { id } }'
)
ROOM_DAY = (
    "subscription D($r: ID!) { roomBookings(roomId: $r) { roomId status { state } } }"
)
ROOM_STATUS = "subscription S($r: ID!) { roomStatus(roomId: $r) { state } }"


@contextmanager
def transom_serve(env: dict[str, str], data_dir: Path) -> Iterator[str]:
    """A real `transom serve` subprocess; yields its base URL once ready."""
    port = free_port()
    full_env = {
        **os.environ,
        **env,
        "TRANSOM_DATA_DIR": str(data_dir),
        "TRANSOM_RUN_SYNC": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "transom", "serve", "--port", str(port)],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"transom serve exited: {error[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"transom serve at {base} was not ready within 30 s")


@pytest.mark.parametrize(
    ("backend", "query"),
    [("redis", ROOM_DAY), ("postgresql", ROOM_STATUS)],
    ids=["redis-roomBookings", "postgresql-roomStatus"],
)
async def test_a_change_through_one_server_reaches_a_subscriber_of_the_other(
    backend, query, database_url, session, tmp_path
) -> None:
    # given two servers sharing the database and the bus
    env = {
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_PUBSUB_URL": pubsub_url(backend),
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
    }
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    token = await make_token(session, tenant)
    with ExitStack() as servers:
        first = servers.enter_context(transom_serve(env, tmp_path / "a"))
        second = servers.enter_context(transom_serve(env, tmp_path / "b"))
        async with subscribe(second, token, query, {"r": room.id}) as feed:
            await feed.next(seconds=10)
            # when the room changes through the first server
            with GraphQLClient(first, token) as api:
                api.data(UPDATE_ROOM, {"id": room.id})
            # then the second server's subscriber hears of it within two seconds
            pushed = await feed.next(seconds=2)
    assert "errors" not in pushed, pushed
