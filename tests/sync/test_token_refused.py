"""Graph refusing a token the loop still holds: the tenant gets the real reason.

Entra ID keeps issued tokens valid after a secret expires, so a loop learns of
the expiry only when Graph (401) or Entra ID (AADSTS7000222) refuses it. A 401
names no cause; the engine asks Entra ID for a fresh token to find it, records
it on the tenant and publishes it (the admin pages listen on tenantSync).
Rotating the emulator's signing key makes every held token stale at once.
"""

from __future__ import annotations

import pytest

from tests.sync.harness import control, eventually
from tests.sync.test_outlook_notifications import linked_room
from transom.emulator import CLIENT_ID, TENANT_ID
from transom.emulator.keys import SigningKey

pytestmark = pytest.mark.anyio

APP = f"/tenants/{TENANT_ID}/apps/{CLIENT_ID}"
SYNC_ROOM = "mutation ($id: ID!) { syncRoom(roomId: $id) { room { id } } }"
CONNECTION = """query ($id: ID!) {
  tenant(id: $id) { connection { status code hint } }
}"""


async def connection(api) -> dict[str, str]:
    data = await api.data(CONNECTION, id=api.tenant_id)
    found: dict[str, str] = data["tenant"]["connection"]
    return found


async def test_a_refused_token_after_the_secret_expired_marks_secret_expired(
    api, emulator
):
    # given: in sync; the secret expires and the loop's token stops working
    room_id = await linked_room(api)
    await control(emulator.url, "POST", f"{APP}/secrets/all/expire")
    emulator.state.signing_key = SigningKey.generate()

    # when: the loop reads Graph
    await api.data(SYNC_ROOM, id=room_id)

    # then: SECRET_EXPIRED with Entra's code and the renewal hint, not ERROR
    async def expired():
        found = await connection(api)
        return found if found["status"] == "SECRET_EXPIRED" else None

    found = await eventually(expired, 10, "tenant marked SECRET_EXPIRED")
    assert found["code"] == "7000222"
    assert "Certificates & secrets" in found["hint"]

    async def stopped():
        sync = (await api.room(room_id))["sync"]
        return sync if sync["status"] == "STOPPED" else None

    await eventually(stopped, 5, "loop stopped")


async def test_a_stale_token_with_a_working_secret_leaves_the_tenant_connected(
    api, emulator
):
    # given: in sync; only the token goes stale
    room_id = await linked_room(api)
    synced = (await api.room(room_id))["sync"]["lastSyncedAt"]
    emulator.state.signing_key = SigningKey.generate()

    # when
    await api.data(SYNC_ROOM, id=room_id)

    # then: the loop gets a new token and syncs again; the tenant stays connected
    async def synced_again():
        sync = (await api.room(room_id))["sync"]
        fresh = sync["status"] == "IN_SYNC" and sync["lastSyncedAt"] != synced
        return sync if fresh else None

    await eventually(synced_again, 10, "room in sync with a new token")
    assert (await connection(api))["status"] == "CONNECTED"
