"""Pairing a door display, its device token, renaming and revoking it."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.displays.live_client import subscribe
from tests.displays.signage import PAIR, operation, pair_display, request_pairing
from tests.factories import make_room, make_tenant, make_token
from transom.domain.access import Role

pytestmark = pytest.mark.anyio

DISPLAYS = """
query Displays { displays { id name state online lastSeenAt roomId room { name } } }
"""
REVOKE = "mutation R($id: ID!) { revokeDisplay(id: $id) { display { id state online } userErrors { code } } }"
RENAME = 'mutation N($id: ID!) { renameDisplay(id: $id, name: "Lobby east") { display { name } } }'


async def test_a_new_display_gets_a_code_and_waits_until_an_admin_pairs_it(
    api, session
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    admin = await make_token(session, tenant)
    pairing = request_pairing(api)
    status = operation("DisplayPairingStatus")
    waiting = api.data(status, {"secret": pairing["secret"]})["displayPairing"]
    # when
    paired = api.data(
        PAIR, {"code": pairing["code"].lower(), "roomId": room.id}, token=admin
    )
    # then
    assert waiting == {
        "state": "WAITING",
        "code": pairing["code"],
        "expiresAt": pairing["expiresAt"],
    }
    assert len(pairing["code"]) == 6
    assert paired["pairDisplay"]["display"]["name"] == "Aurora"
    assert paired["pairDisplay"]["display"]["state"] == "PAIRED"
    after = api.data(status, {"secret": pairing["secret"]})["displayPairing"]
    assert after == {"state": "PAIRED", "code": None, "expiresAt": None}
    home = api.data(operation("DisplayHome"), token=pairing["secret"])["thisDisplay"]
    assert home["room"]["name"] == "Aurora"
    assert home["language"] == "EN"


async def test_a_pairing_code_expires_after_fifteen_minutes(
    api, session, clock
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    pairing = request_pairing(api)
    # when
    clock.now += timedelta(minutes=16)
    codes = api.error_codes(
        PAIR, {"code": pairing["code"], "roomId": room.id}, token=admin
    )
    # then
    assert codes == ["BAD_USER_INPUT"]
    status = api.data(operation("DisplayPairingStatus"), {"secret": pairing["secret"]})
    assert status["displayPairing"]["state"] == "EXPIRED"


async def test_only_an_admin_of_the_rooms_tenant_can_pair(api, session) -> None:
    # given
    tenant = await make_tenant(session)
    other = await make_tenant(session, "Fabrikam")
    room = await make_room(session, tenant)
    reader = await make_token(session, tenant, Role.READER)
    stranger = await make_token(session, other)
    code = request_pairing(api)["code"]
    variables = {"code": code, "roomId": room.id}
    # when / then
    assert api.error_codes(PAIR, variables, token=reader) == ["FORBIDDEN"]
    assert api.error_codes(PAIR, variables, token=stranger) == ["NOT_FOUND"]
    assert api.error_codes(PAIR, variables) == ["UNAUTHENTICATED"]


def test_pairing_requests_are_rate_limited_per_address(api) -> None:
    # given ten requests from this address
    for _ in range(10):
        request_pairing(api)
    # when
    response = httpx.post(
        f"{api.base_url}/graphql",
        json={"query": operation("RequestDisplayPairing")},
    )
    # then a distinct code, and when to try again (in the body and the header)
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < error["extensions"]["retryAfter"] <= 600
    assert response.headers["Retry-After"] == str(error["extensions"]["retryAfter"])


async def test_admins_list_rename_and_revoke_displays(api, session) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    admin = await make_token(session, tenant)
    token = pair_display(api, admin, room.id)
    api.data(operation("DisplayHome"), token=token)
    (listed,) = api.data(DISPLAYS, token=admin)["displays"]
    # when
    renamed = api.data(RENAME, {"id": listed["id"]}, token=admin)
    revoked = api.data(REVOKE, {"id": listed["id"]}, token=admin)
    # then
    assert listed["online"] is True
    assert listed["lastSeenAt"] is not None
    assert listed["room"] == {"name": "Aurora"}
    assert renamed == {"renameDisplay": {"display": {"name": "Lobby east"}}}
    assert revoked["revokeDisplay"]["display"]["state"] == "REVOKED"
    assert revoked["revokeDisplay"]["display"]["online"] is False
    codes = api.error_codes(operation("DisplayHome"), token=token)
    assert codes == ["UNAUTHENTICATED"]
    status = api.data(operation("DisplayPairingStatus"), {"secret": token})
    assert status["displayPairing"]["state"] == "REVOKED"


async def test_another_tenants_displays_are_not_found(api, session) -> None:
    # given
    tenant = await make_tenant(session)
    other = await make_tenant(session, "Fabrikam")
    room = await make_room(session, tenant)
    admin = await make_token(session, tenant)
    stranger = await make_token(session, other)
    pair_display(api, admin, room.id)
    (listed,) = api.data(DISPLAYS, token=admin)["displays"]
    # when
    codes = api.error_codes(REVOKE, {"id": listed["id"]}, token=stranger)
    # then
    assert codes == ["NOT_FOUND"]
    assert api.data(DISPLAYS, token=stranger) == {"displays": []}


TENANT_SYNC = "subscription ($t: ID!) { tenantSync(tenantId: $t) { kind at } }"


async def test_an_admins_open_page_hears_a_display_come_online(
    api, server, session
) -> None:
    # given a display just paired, and an admin page following the tenant
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    admin = await make_token(session, tenant)
    secret = pair_display(api, admin, room.id)
    async with subscribe(server, admin, TENANT_SYNC, {"t": tenant.id}) as live:
        assert (await live.next())["data"]["tenantSync"]["kind"] == "subscribed"
        # when the display reaches Transom for the first time
        api.data(operation("DisplayHome"), token=secret)
        # then the page hears it at once (it shows the display online)
        heard = await live.next(5)
        assert heard["data"]["tenantSync"]["kind"] == "display"
        # and a display already online does not announce itself again
        api.data(operation("DisplayHome"), token=secret)
        with pytest.raises(TimeoutError):
            await live.next(1.5)
