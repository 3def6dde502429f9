"""GraphQL-over-HTTP conventions: operation choice, media types, CORS."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.factories import make_tenant, make_token
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.domain.access import Role
from transom.settings import Settings, SettingsError

pytestmark = pytest.mark.anyio

TWO = "query A { build { id } } query B { build { version } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def test_two_operations_without_operation_name_are_refused(server) -> None:
    body = httpx.post(f"{server}/graphql", json={"query": TWO}).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "OPERATION_NAME_REQUIRED"


def test_operation_name_picks_the_operation(server) -> None:
    body = httpx.post(
        f"{server}/graphql", json={"query": TWO, "operationName": "B"}
    ).json()
    assert set(body["data"]["build"]) == {"version"}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("{ build { id } }", 200),
        ("{ build { id ", 400),  # does not parse
        ("{ nope }", 400),  # does not validate
    ],
)
def test_graphql_response_json_is_served_with_request_errors_as_400(
    server, query, status
) -> None:
    response = httpx.post(
        f"{server}/graphql",
        json={"query": query},
        headers={"Accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"},
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "errors" in response.json() or "data" in response.json()


async def test_a_field_error_is_still_200_with_graphql_response_json(
    server, session
) -> None:
    tenant = await make_tenant(session)
    token = await make_token(session, tenant)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server}/graphql",
            json={"query": '{ viewer { role } room(id: "nope") { name } }'},
            headers={"Accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"role": "ADMIN"}, "room": None}


def test_plain_json_clients_keep_200_and_application_json(server) -> None:
    response = httpx.post(f"{server}/graphql", json={"query": "{ nope }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


def cors_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings.from_env(
        {
            "TRANSOM_DATA_DIR": str(tmp_path / "data"),
            "TRANSOM_DATABASE_URL": database_url,
            "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "TRANSOM_RUN_SYNC": "false",
            "TRANSOM_CORS_ORIGINS": "https://app.example.com, http://localhost:5173",
        }
    )


def test_configured_origins_may_call_the_api_from_a_browser(
    tmp_path, database_url
) -> None:
    with serve_in_thread(create_app(cors_settings(tmp_path, database_url))) as base:
        preflight = httpx.options(
            f"{base}/graphql",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        answer = httpx.post(
            f"{base}/graphql",
            json={"query": "{ build { id } }"},
            headers={"Origin": "http://localhost:5173"},
        )
        stranger = httpx.post(
            f"{base}/graphql",
            json={"query": "{ build { id } }"},
            headers={"Origin": "https://evil.example"},
        )
    assert preflight.status_code == 200
    allowed = preflight.headers["access-control-allow-origin"]
    assert allowed == "https://app.example.com"
    assert answer.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "access-control-allow-origin" not in stranger.headers


def test_a_cors_origin_with_a_path_stops_start_up() -> None:
    with pytest.raises(SettingsError, match="TRANSOM_CORS_ORIGINS"):
        Settings.from_env(
            {
                "TRANSOM_DATA_DIR": "/tmp/transom-cors",
                "TRANSOM_SECRET_KEY": "k" * 40,
                "TRANSOM_CORS_ORIGINS": "https://app.example.com/graphql",
            }
        )


async def test_page_info_tells_both_ends_of_a_page(api, session) -> None:
    # given three tenants, listed two at a time by a superadmin
    for name in ("Contoso", "Fabrikam", "Northwind"):
        await make_tenant(session, name)
    superadmin = await make_token(session, None, Role.SUPERADMIN)
    query = """
    query ($after: String) { tenants(first: 2, after: $after) {
      edges { cursor node { name } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    # when
    first = api.data(query, {"after": None}, token=superadmin)["tenants"]
    after = first["pageInfo"]["endCursor"]
    second = api.data(query, {"after": after}, token=superadmin)["tenants"]
    # then
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert (first["pageInfo"]["hasNextPage"], first["pageInfo"]["hasPreviousPage"]) == (
        True,
        False,
    )
    assert (
        second["pageInfo"]["hasNextPage"],
        second["pageInfo"]["hasPreviousPage"],
    ) == (
        False,
        True,
    )
    assert second["pageInfo"]["startCursor"] == second["edges"][0]["cursor"]
    names = [e["node"]["name"] for e in first["edges"] + second["edges"]]
    assert sorted(names) == ["Contoso", "Fabrikam", "Northwind"]
