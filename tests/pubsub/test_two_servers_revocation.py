"""Two `transom serve` processes: a display revoked through one has its socket
on the other closed (the access event travels over the shared bus)."""

from __future__ import annotations

from contextlib import ExitStack

import anyio
import pytest
from websockets.exceptions import ConnectionClosed

from tests.displays.live_client import subscribe
from tests.displays.signage import operation, pair_display
from tests.factories import make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient
from tests.processes import transom_serve
from tests.pubsub.backends import pubsub_url

pytestmark = pytest.mark.anyio

REVOKE = "mutation R($id: ID!) { revokeDisplay(id: $id) { display { id } } }"


@pytest.mark.parametrize("backend", ["redis", "postgresql"])
async def test_a_display_revoked_on_one_server_is_closed_on_the_other(
    backend, database_url, session, tmp_path
) -> None:
    # given a display whose live feed is open on the second server
    env = {
        "TRANSOM_DATABASE_URL": database_url,
        "TRANSOM_PUBSUB_URL": pubsub_url(backend),
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
    }
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    with ExitStack() as servers:
        first = servers.enter_context(transom_serve(env, tmp_path / "a")).url
        second = servers.enter_context(transom_serve(env, tmp_path / "b")).url
        with GraphQLClient(first, admin) as api:
            device = pair_display(api, admin, room.id)
            (display,) = api.data("{ displays { id } }")["displays"]
            variables = {"roomId": room.id}
            live = operation("RoomDayLive")
            async with subscribe(second, device, live, variables) as feed:
                await feed.next(seconds=10)
                # when an admin revokes it through the first server
                api.data(REVOKE, {"id": display["id"]})
                # then the second server closes the display's socket
                with anyio.fail_after(5):
                    try:
                        while True:
                            await feed._ws.recv()
                    except ConnectionClosed:
                        pass
                assert feed._ws.close_code == 4403
