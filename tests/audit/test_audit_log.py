"""The audit log over real HTTP, on SQLite and PostgreSQL: what a mutation
records, who sees it, what is never recorded, how long it is kept, and the CSV
export."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import anyio
import httpx
import pytest

from tests.audit.conftest import RETENTION_DAYS, Tenants
from tests.conftest import Clock
from tests.graphql_client import GraphQLClient
from transom.db import audit as audit_repo
from transom.db.engine import create_engine, create_sessions
from transom.domain.audit import ActorKind, AuditTarget
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from transom.settings import Settings

LOG = """
query ($tenantId: ID, $actor: String, $action: String, $targetId: ID,
       $target: String, $from: DateTime, $to: DateTime, $first: Int = 50,
       $after: String) {
  auditLog(tenantId: $tenantId, actor: $actor, action: $action,
           targetId: $targetId, target: $target, from: $from, to: $to,
           first: $first, after: $after) {
    edges { node { at tenantId actorKind actor action targetType targetId
                   targetName before after changes { field before after } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
UPDATE_ROOM = """
mutation ($id: ID!, $input: UpdateRoomInput!) {
  updateRoom(id: $id, input: $input) {
    room { capacity } userErrors { field code }
  }
}
"""
SETTINGS = """
mutation ($tenantId: ID!, $input: TenantSettingsInput!) {
  updateTenantSettings(tenantId: $tenantId, input: $input) {
    settings { showSubject } userErrors { code }
  }
}
"""
CONNECT = """
mutation ($input: ConnectTenantInput!) {
  connectTenant(input: $input) {
    connectionTest { status tenant { id } } userErrors { code message }
  }
}
"""


def entries(api: GraphQLClient, token: str, **filters: Any) -> list[dict[str, Any]]:
    data = api.data(LOG, filters, token=token)
    return [edge["node"] for edge in data["auditLog"]["edges"]]


def capacity_to(api: GraphQLClient, token: str, room_id: str, seats: int) -> None:
    api.data(UPDATE_ROOM, {"id": room_id, "input": {"capacity": seats}}, token=token)


def test_an_edit_records_who_what_before_after_when_and_the_tenant(
    api: GraphQLClient, tenants: Tenants, clock: Clock
) -> None:
    # when an admin token changes a room's capacity from 8 to 12
    capacity_to(api, tenants.contoso_admin, tenants.contoso_room, 12)
    # then the audit log says so
    (entry,) = entries(api, tenants.contoso_admin)
    assert entry["actor"] == "API token contoso-ops"
    assert entry["actorKind"] == "TOKEN"
    assert entry["action"] == "updateRoom"
    assert (entry["targetType"], entry["targetName"]) == ("Room", "Aurora")
    assert entry["targetId"] == tenants.contoso_room
    assert entry["tenantId"] == tenants.contoso
    assert entry["changes"] == [{"field": "capacity", "before": "8", "after": "12"}]
    assert json.loads(entry["before"]) == {"capacity": 8}
    assert entry["at"].startswith(clock.now.isoformat()[:16])


def test_a_refused_change_is_not_recorded(api: GraphQLClient, tenants: Tenants) -> None:
    # when a change is refused (userErrors)
    body = api.post(
        UPDATE_ROOM,
        {"id": tenants.contoso_room, "input": {"capacity": -1}},
        token=tenants.contoso_admin,
    )
    assert body["data"]["updateRoom"]["userErrors"][0]["code"] == "BAD_USER_INPUT"
    # then nothing was recorded
    assert entries(api, tenants.contoso_admin) == []


def test_each_tenant_sees_only_its_own_entries_and_a_superadmin_all(
    api: GraphQLClient, tenants: Tenants
) -> None:
    # given both tenants' admins change something
    capacity_to(api, tenants.contoso_admin, tenants.contoso_room, 10)
    api.data(
        SETTINGS,
        {"tenantId": tenants.fabrikam, "input": {"showSubject": False}},
        token=tenants.fabrikam_admin,
    )
    # then each admin sees its own tenant's entry only
    contoso = entries(api, tenants.contoso_admin)
    fabrikam = entries(api, tenants.fabrikam_admin)
    assert [e["action"] for e in contoso] == ["updateRoom"]
    assert [e["action"] for e in fabrikam] == ["updateTenantSettings"]
    assert fabrikam[0]["changes"] == [
        {"field": "showSubject", "before": "true", "after": "false"}
    ]
    # and a reader of the tenant may read it too
    assert entries(api, tenants.contoso_reader) == contoso
    # and asking for another tenant's log is NOT_FOUND
    codes = api.error_codes(
        LOG, {"tenantId": tenants.fabrikam}, token=tenants.contoso_admin
    )
    assert codes == ["NOT_FOUND"]
    # while a superadmin sees both, or one when asked
    every = entries(api, tenants.superadmin)
    assert {e["tenantId"] for e in every} == {tenants.contoso, tenants.fabrikam}
    only = entries(api, tenants.superadmin, tenantId=tenants.fabrikam)
    assert [e["tenantId"] for e in only] == [tenants.fabrikam]


def test_secrets_are_never_recorded(api: GraphQLClient, tenants: Tenants) -> None:
    # when an admin connects the tenant to Microsoft 365 with its client secret
    data = api.data(
        CONNECT,
        {
            "input": {
                "tenantId": tenants.contoso,
                "directoryId": TENANT_ID,
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
            },
        },
        token=tenants.contoso_admin,
    )
    test = data["connectTenant"]["connectionTest"]
    assert (test["status"], test["tenant"]["id"]) == ("CONNECTED", tenants.contoso)
    # then the entry has the ids but never the secret
    (entry,) = entries(api, tenants.contoso_admin, action="connectTenant")
    after = json.loads(entry["after"])
    assert after["input"]["clientId"] == CLIENT_ID
    assert after["input"]["clientSecret"] == "[redacted]"
    assert (entry["targetType"], entry["targetName"]) == ("Tenant", "Contoso")
    # nor does the export
    export = httpx.get(
        f"{api.base_url}/admin/audit.csv",
        headers={"Authorization": f"Bearer {tenants.contoso_admin}"},
        timeout=30,
    )
    assert export.status_code == 200
    assert "connectTenant" in export.text
    assert CLIENT_SECRET not in export.text
    assert CLIENT_SECRET not in json.dumps(entries(api, tenants.superadmin))

    # when an admin creates an API token, whose secret is answered once
    created = api.data(
        """mutation ($input: CreateApiTokenInput!) {
             createApiToken(input: $input) { secret apiToken { id } } }""",
        {"input": {"tenantId": tenants.contoso, "name": "HR sync", "role": "READER"}},
        token=tenants.contoso_admin,
    )["createApiToken"]
    # then the log names the token but never holds its secret
    (entry,) = entries(api, tenants.contoso_admin, action="createApiToken")
    assert (entry["targetType"], entry["targetName"]) == ("ApiToken", "HR sync")
    assert entry["tenantId"] == tenants.contoso
    assert created["secret"] not in json.dumps(entries(api, tenants.superadmin))


async def _add_old_entries(settings: Settings, tenant_id: str, now: Any) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessions(engine)() as session:
            actor = audit_repo.Actor(ActorKind.ADMIN, None, "former@contoso.example")
            for days, name in (
                (RETENTION_DAYS + 10, "Old"),
                (RETENTION_DAYS - 5, "Kept"),
            ):
                audit_repo.add_entry(
                    session,
                    at=now - timedelta(days=days),
                    tenant_id=tenant_id,
                    actor=actor,
                    action="updateRoom",
                    target=AuditTarget("Room", None, name),
                    before=None,
                    after={"name": name},
                )
            await session.commit()
    finally:
        await engine.dispose()


def test_entries_older_than_the_retention_are_pruned_on_the_next_change(
    api: GraphQLClient, tenants: Tenants, settings: Settings, clock: Clock
) -> None:
    # given an entry just past the retention (30 days here) and one within it
    anyio.run(_add_old_entries, settings, tenants.contoso, clock.now)
    assert len(entries(api, tenants.contoso_admin)) == 2
    # when anyone changes something
    capacity_to(api, tenants.fabrikam_admin, tenants.fabrikam_room, 4)
    # then the old entry is gone and the recent one stays
    names = [e["targetName"] for e in entries(api, tenants.contoso_admin)]
    assert names == ["Kept"]


def test_filters_and_pages(api: GraphQLClient, tenants: Tenants, clock: Clock) -> None:
    # given three changes, a minute apart, by two tokens
    for seats in (9, 10):
        capacity_to(api, tenants.contoso_admin, tenants.contoso_room, seats)
        clock.now += timedelta(minutes=1)
    api.data(
        SETTINGS,
        {"tenantId": tenants.contoso, "input": {"showOrganizer": False}},
        token=tenants.superadmin,
    )
    token = tenants.contoso_admin
    # then each filter narrows the list, newest first
    assert [e["actor"] for e in entries(api, token, actor="ROOT")] == ["API token root"]
    assert len(entries(api, token, action="updateRoom")) == 2
    assert len(entries(api, token, target="auro")) == 2
    assert len(entries(api, token, targetId=tenants.contoso_room)) == 2
    later = (clock.now - timedelta(seconds=30)).isoformat()
    assert [e["action"] for e in entries(api, token, **{"from": later})] == [
        "updateTenantSettings"
    ]
    assert len(entries(api, token, to=later)) == 2
    # and pages follow one another without repeating
    first = api.data(LOG, {"first": 2}, token=token)["auditLog"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = api.data(
        LOG, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=token
    )["auditLog"]
    seen = [e["node"]["changes"] for e in first["edges"] + rest["edges"]]
    assert len(seen) == 3
    assert seen[-1] == [{"field": "capacity", "before": "8", "after": "9"}]
    # and a time without an offset is refused with its field
    body = api.post(LOG, {"from": "2026-11-23T09:00:00"}, token=token)
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "from",
    }


def test_the_csv_export_is_scoped_and_filtered_like_the_query(
    api: GraphQLClient, tenants: Tenants
) -> None:
    # given a change in each tenant
    capacity_to(api, tenants.contoso_admin, tenants.contoso_room, 10)
    capacity_to(api, tenants.fabrikam_admin, tenants.fabrikam_room, 3)

    def export(token: str | None, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(
            f"{api.base_url}/admin/audit.csv",
            params=params,
            headers=headers,
            timeout=30,
        )

    # when the tenant's admin downloads the log
    response = export(tenants.contoso_admin)
    # then it is a CSV of the tenant's entries only
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["Tenant"], r["Actor"], r["Action"], r["Target"]) for r in rows] == [
        ("Contoso", "API token contoso-ops", "updateRoom", "Aurora")
    ]
    assert json.loads(rows[0]["After"]) == {"capacity": 10}
    # and filters apply; another tenant, no credentials and bad input are refused
    assert len(list(csv.DictReader(io.StringIO(
        export(tenants.superadmin, action="updateRoom").text
    )))) == 2  # fmt: skip
    assert export(tenants.contoso_admin, tenantId=tenants.fabrikam).status_code == 404
    assert export(None).status_code == 401
    bad = export(tenants.contoso_admin, **{"from": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["extensions"]["field"] == "from"


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_is_quoted(
    api: GraphQLClient, tenants: Tenants, value: str
) -> None:
    # given a room whose name looks like a formula
    api.data(
        UPDATE_ROOM.replace("room { capacity }", "room { name }"),
        {"id": tenants.contoso_room, "input": {"name": value}},
        token=tenants.contoso_admin,
    )
    # when exported
    text = httpx.get(
        f"{api.base_url}/admin/audit.csv",
        headers={"Authorization": f"Bearer {tenants.contoso_admin}"},
        timeout=30,
    ).text
    # then the cell starts with a quote mark, so it is shown, not run
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["Target"] == "'" + value


PAIR = """
mutation ($code: String!, $roomId: ID!) {
  pairDisplay(code: $code, roomId: $roomId) { display { id } userErrors { code } }
}
"""


def test_a_paired_display_is_recorded_and_may_not_read_the_log(
    api: GraphQLClient, tenants: Tenants
) -> None:
    # given a display paired by the tenant's admin
    pairing = api.data(
        "mutation { requestDisplayPairing { pairing { code secret } } }"
    )["requestDisplayPairing"]["pairing"]
    api.data(
        PAIR,
        {"code": pairing["code"], "roomId": tenants.contoso_room},
        token=tenants.contoso_admin,
    )
    # then the pairing is in the tenant's log (asking to pair is no admin's act)
    (entry,) = entries(api, tenants.contoso_admin)
    assert (entry["action"], entry["targetType"]) == ("pairDisplay", "Display")
    assert json.loads(entry["after"])["room"] == "Aurora"
    # and the display itself may read neither the log nor its export
    assert api.error_codes(LOG, token=pairing["secret"]) == ["FORBIDDEN"]
    export = httpx.get(
        f"{api.base_url}/admin/audit.csv",
        headers={"Authorization": f"Bearer {pairing['secret']}"},
        timeout=30,
    )
    assert export.status_code == 403
