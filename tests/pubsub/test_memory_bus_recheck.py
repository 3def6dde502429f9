"""With the default ``memory://`` bus the command line cannot reach a running
server: its sockets re-check their credential periodically instead
(``TRANSOM_ACCESS_RECHECK_INTERVAL``, compressed here to 0.3 s)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import anyio
import pytest
from websockets.exceptions import ConnectionClosed

from tests.displays.live_client import subscribe
from tests.displays.signage import operation
from tests.factories import make_room, make_tenant, make_token
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.cli import main
from transom.settings import Settings

pytestmark = pytest.mark.anyio

RECHECK = 0.3


@pytest.fixture
def rechecking_server(settings: Settings, clock) -> Iterator[str]:
    fast = dataclasses.replace(settings, access_recheck_seconds=RECHECK)
    with serve_in_thread(create_app(fast, clock=clock)) as base_url:
        yield base_url


async def test_a_token_revoked_by_the_cli_closes_its_socket_on_the_next_recheck(
    rechecking_server, settings, session, capsys, monkeypatch
) -> None:
    # given a token's live feed on a server with the memory:// bus
    monkeypatch.setenv("TRANSOM_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("TRANSOM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRANSOM_SECRET_KEY", str(settings.secret_key))
    monkeypatch.setenv("TRANSOM_ACCESS_RECHECK_INTERVAL", str(RECHECK))
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    token = await make_token(session, tenant)
    await anyio.to_thread.run_sync(main, ["token", "list"])
    token_id = capsys.readouterr().out.split()[0]
    live, variables = operation("RoomDayLive"), {"roomId": room.id}
    async with subscribe(rechecking_server, token, live, variables) as feed:
        await feed.next()
        # when the command line revokes it
        await anyio.to_thread.run_sync(main, ["token", "revoke", token_id])
        # then the socket closes within the re-check interval
        with anyio.fail_after(RECHECK + 1.0):
            try:
                while True:
                    await feed._ws.recv()
            except ConnectionClosed:
                pass
        assert feed._ws.close_code == 4403
    # and the command said why it could not tell the server at once
    err = capsys.readouterr().err
    assert "memory://" in err
    assert "within 0.3 s" in err
