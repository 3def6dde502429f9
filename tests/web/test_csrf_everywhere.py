"""CSRF protection covers every state-changing request the admin UI can send.

Each mutation in schema/operations/web/ is posted with the session cookie but
without the page's CSRF token, as a forged cross-site request would be: every
one is refused before it changes anything. The sign-out form needs it too.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_room, make_tenant
from tests.web.admins import graphql, make_admin, signed_in_client

pytestmark = pytest.mark.anyio

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations" / "web"
MUTATIONS = sorted(
    p for p in OPERATIONS.glob("*.graphql") if "\nmutation " in "\n" + p.read_text()
)


def variables(name: str, tenant_id: str, room_id: str) -> dict[str, Any]:
    """Valid variables for each mutation the admin UI sends."""
    some_id = "00000000-0000-0000-0000-000000000000"
    absence = {
        "personEmail": "adele@contoso.example",
        "kind": "VACATION",
        "start": "2026-12-24T00:00:00Z",
        "end": "2026-12-25T00:00:00Z",
        "allDay": True,
        "externalId": "forged",
    }
    return {
        "ChangeAdminRole": {"id": some_id, "role": "READER"},
        "ConnectPeopleCalendars": {"tenantId": tenant_id},
        "ApproveAbsence": {"id": some_id},
        "DeleteAbsence": {"id": some_id},
        "ImportAbsences": {"tenantId": tenant_id, "absences": [absence]},
        "RegisterAbsence": {"tenantId": tenant_id, "input": absence},
        "RejectAbsence": {"id": some_id},
        "UpdateAbsence": {"id": some_id, "input": {"note": "Forged"}},
        "ConnectTenant": {
            "input": {
                "tenantId": tenant_id,
                "directoryId": "contoso.onmicrosoft.com",
                "clientId": some_id,
            }
        },
        "CreateTenant": {"input": {"name": "Forged", "features": ["ROOMS"]}},
        "DisconnectTenant": {"tenantId": tenant_id, "confirm": True},
        "CreateAdmin": {"input": {"email": "forged@contoso.example", "role": "ADMIN"}},
        "CreateApiToken": {
            "input": {"tenantId": tenant_id, "name": "Forged", "role": "ADMIN"}
        },
        "DisconnectPeopleCalendars": {"tenantId": tenant_id},
        "DropOutboxItem": {"id": some_id},
        "ImportRooms": {"tenantId": tenant_id},
        "LinkRoomMailbox": {"roomId": room_id, "email": "aurora@contoso.example"},
        "PairDisplay": {"code": "ABCDEF", "roomId": room_id},
        "RemoveAdmin": {"id": some_id},
        "RenameDisplay": {"id": some_id, "name": "Forged"},
        "RenewTenantSecret": {"tenantId": tenant_id, "clientSecret": "forged"},
        "ResetAdminPassword": {"id": some_id},
        "RetryOutboxItem": {"id": some_id},
        "RevokeApiToken": {"id": some_id},
        "RevokeDisplay": {"id": some_id},
        "SetTenantFeatures": {"tenantId": tenant_id, "features": ["ABSENCES"]},
        "SetAvailabilityFollowsCalendar": {"personId": some_id, "follows": True},
        "SetNewcomersFollowCalendar": {"tenantId": tenant_id, "follows": True},
        "SyncPeople": {"tenantId": tenant_id},
        "SyncRoom": {"roomId": room_id},
        "SyncTenant": {"tenantId": tenant_id},
        "TestTenantConnection": {"tenantId": tenant_id},
        "TestTenantPermissions": {"tenantId": tenant_id},
        "UnlinkRoomMailbox": {"roomId": room_id, "confirm": True},
        "UnlockAdmin": {"id": some_id},
        "UpdateRoom": {"id": room_id, "input": {"name": "Forged"}},
        "UploadTenantCertificate": {"tenantId": tenant_id, "certificatePem": "x"},
        "UpdateTenantSettings": {
            "tenantId": tenant_id,
            "input": {"showSubject": False},
        },
        "PairLobbyDisplay": {"code": "ABCDEF", "building": "HQ"},
        "SetTenantSignIn": {"tenantId": tenant_id, "input": {"enabled": False}},
        "SetAbsencePolicy": {"tenantId": tenant_id, "input": {"private": False}},
        "SetAvailabilityRules": {
            "tenantId": tenant_id,
            "input": {"freeBusyOnly": True},
        },
    }[name]


async def test_every_admin_mutation_without_the_csrf_token_is_refused(
    server: str, session
) -> None:
    # given
    tenant = await make_tenant(session)
    room = await make_room(session, tenant)
    await make_admin(session, tenant)
    client, csrf = signed_in_client(server, "admin@contoso.example")
    assert len(MUTATIONS) >= 10
    with closing(client):
        for path in MUTATIONS:
            # when
            body = graphql(
                client, path.read_text(), variables(path.stem, tenant.id, room.id)
            )
            # then
            codes = [e["extensions"]["code"] for e in body.get("errors", [])]
            assert codes == ["FORBIDDEN"], (path.stem, body)
            assert "CSRF" in body["errors"][0]["message"]
        # nothing changed
        after = graphql(
            client,
            "query ($id: ID!, $t: ID!) { room(id: $id) { name } "
            "tenant(id: $t) { features settings { showSubject } } "
            "apiTokens(tenantId: $t) { id } "
            "availabilitySettings(tenantId: $t) { freeBusyOnly } }",
            {"id": room.id, "t": tenant.id},
            csrf=csrf,
        )
    assert after["data"]["room"]["name"] == room.name
    assert after["data"]["tenant"]["settings"]["showSubject"] is True
    assert after["data"]["apiTokens"] == []
    assert after["data"]["availabilitySettings"]["freeBusyOnly"] is False
    assert after["data"]["tenant"]["features"] == ["ROOMS", "DOOR_DISPLAYS"]


async def test_signing_out_without_the_csrf_token_is_refused(
    server: str, session
) -> None:
    # given
    await make_admin(session)
    client, _ = signed_in_client(server, "admin@contoso.example")
    with closing(client):
        # when
        forged = client.post("/admin/sign-out", data={})
        still = client.get("/admin/")
    # then
    assert forged.status_code == 403
    assert still.status_code == 200
