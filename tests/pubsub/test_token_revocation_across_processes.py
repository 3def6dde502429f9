"""`transom token revoke` and `transom token set-role`, run as their own process,
reach the open websockets of two `transom serve` processes over the shared bus."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import anyio
import pytest
from websockets.exceptions import ConnectionClosed

from tests.displays.live_client import Subscription, subscribe
from tests.displays.signage import operation
from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.processes import transom_serve
from tests.pubsub.backends import pubsub_url
from tests.web.admins import admin_socket, make_admin, signed_in_client

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(180)]

VIEWER = "{ viewer { role } }"


def transom_cli(env: dict[str, str], data_dir: Path, *args: str) -> str:
    """Runs the command line in a process of its own; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "transom", *args],
        env={**os.environ, **env, "TRANSOM_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr, done.stderr
    return done.stdout


async def closed_within(feed: Subscription, seconds: float) -> int | None:
    """The close code, if the server closes the socket within ``seconds``."""
    with anyio.fail_after(seconds):
        try:
            while True:
                await feed._ws.recv()
        except ConnectionClosed:
            return feed._ws.close_code


def cluster_env(backend: str, database_url: str) -> dict[str, str]:
    return {
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_PUBSUB_URL": pubsub_url(backend),
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
    }


@pytest.mark.parametrize("backend", ["redis", "postgresql"])
async def test_a_token_revoked_from_the_command_line_is_closed_on_every_server(
    backend, database_url, session, tmp_path
) -> None:
    # given an API token with a live subscription open on each of two servers
    env = cluster_env(backend, database_url)
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    token = await make_token(session, tenant)
    listed = transom_cli(env, tmp_path / "cli", "token", "list", "--tenant", tenant.id)
    (line,) = listed.splitlines()
    token_id = line.split()[0]
    with ExitStack() as servers:
        first = servers.enter_context(transom_serve(env, tmp_path / "a")).url
        second = servers.enter_context(transom_serve(env, tmp_path / "b")).url
        live, variables = operation("RoomDayLive"), {"roomId": room.id}
        async with (
            subscribe(first, token, live, variables) as on_first,
            subscribe(second, token, live, variables) as on_second,
        ):
            await on_first.next(seconds=10)
            await on_second.next(seconds=10)
            # when an operator revokes it from the command line
            out = transom_cli(env, tmp_path / "cli", "token", "revoke", token_id)
            revoked_at = time.monotonic()
            # then both sockets are closed within a second
            assert await closed_within(on_first, 1.0) == 4403
            assert await closed_within(on_second, 1.0) == 4403
            assert time.monotonic() - revoked_at < 1.0
        # and the token is refused from now on
        with GraphQLClient(second, token) as api:
            refused = api.post(VIEWER)
    assert out.startswith(f"revoked token {token_id} (admin, 'test')")
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "revoked" in transom_cli(env, tmp_path / "cli", "token", "list")


@pytest.mark.parametrize("backend", ["redis"])
async def test_a_token_downgraded_to_reader_loses_its_admin_rights_on_open_sockets(
    backend, database_url, session, tmp_path
) -> None:
    # given an admin token with a socket open on a server
    env = cluster_env(backend, database_url)
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    token = await make_token(session, tenant)
    listed = transom_cli(env, tmp_path / "cli", "token", "list", "--tenant", tenant.id)
    token_id = listed.split()[0]
    with transom_serve(env, tmp_path / "a") as server:
        live, variables = operation("RoomDayLive"), {"roomId": room.id}
        async with subscribe(server.url, token, live, variables) as feed:
            await feed.next(seconds=10)
            # when the token is made a reader
            transom_cli(
                env, tmp_path / "cli", "token", "set-role", token_id, "--role", "reader"
            )
            # then its socket closes (4403): nothing more runs with admin rights
            assert await closed_within(feed, 1.0) == 4403
        # and reconnecting, it is a reader: it may still watch the room
        async with subscribe(server.url, token, VIEWER) as feed:
            viewer = await feed.next(seconds=10)
        async with subscribe(server.url, token, live, variables) as feed:
            watched = await feed.next(seconds=10)
    assert viewer["data"]["viewer"]["role"] == "READER"
    assert watched["data"]["roomBookings"]["roomId"] == room.id


@pytest.mark.parametrize("backend", ["redis"])
@pytest.mark.parametrize(
    "command",
    [
        ["admin", "set-password", "--email", "admin@contoso.example"],
        [
            "admin",
            "set-role",
            "--email",
            "admin@contoso.example",
            "--role",
            "superadmin",
        ],
    ],
    ids=["set-password", "set-role"],
)
async def test_an_admins_password_or_role_changed_from_the_cli_closes_its_sockets(
    backend, command, database_url, session, tmp_path
) -> None:
    # given a signed-in admin with its page's websocket open
    env = cluster_env(backend, database_url)
    tenant = await make_tenant(session)
    await make_admin(session, tenant)
    with transom_serve(env, tmp_path / "a") as server:
        client, _ = signed_in_client(server.url, "admin@contoso.example")
        ws = await admin_socket(server.url, client.cookies["transom_session"])
        # when an operator changes the admin's password or role
        transom_cli(env, tmp_path / "cli", *command)
        # then the socket is closed within a second
        with anyio.fail_after(1.0):
            try:
                while True:
                    await ws.recv()
            except ConnectionClosed:
                pass
        client.close()
    assert ws.close_code == 4403
