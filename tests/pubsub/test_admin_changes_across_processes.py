"""Two `transom serve` processes on PostgreSQL: an admin removed, made a reader
or given a new password through one has its socket on the other closed
within a second (the access event travels over the shared bus)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.factories import make_tenant
from tests.processes import transom_serve
from tests.pubsub.backends import pubsub_url
from tests.web.admins import (
    admin_socket,
    closed_within,
    graphql,
    make_admin,
    signed_in_client,
)
from transom.db.engine import create_engine, create_sessions

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(180)]

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations" / "web"
BOSS = "boss@contoso.example"
SECOND = "second@contoso.example"


async def seed(database_url: str) -> str:
    """Contoso with two admins; the second's id."""
    engine = create_engine(database_url)
    try:
        async with create_sessions(engine)() as session:
            tenant = await make_tenant(session)
            await make_admin(session, tenant, BOSS)
            second = await make_admin(session, tenant, SECOND)
            return second.id
    finally:
        await engine.dispose()


# PostgreSQL's LISTEN/NOTIFY carries the events; Redis carries the same access
# events in test_token_revocation_across_processes.py.
@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        ("RemoveAdmin", {}),
        ("ChangeAdminRole", {"role": "READER"}),
        ("ResetAdminPassword", {}),
    ],
    ids=["remove", "role", "reset"],
)
async def test_an_admin_changed_on_one_server_loses_its_socket_on_the_other(
    backend, operation, variables, empty_database_url, tmp_path
) -> None:
    # given the second admin's page socket open on the second server
    env = {
        "TRANSOM_DATABASE_URL": empty_database_url,
        "TRANSOM_PUBSUB_URL": pubsub_url(backend),
        "TRANSOM_SECRET_KEY": "test-secret-key-" + "x" * 32,
    }
    with ExitStack() as servers:
        first = servers.enter_context(transom_serve(env, tmp_path / "a")).url
        second = servers.enter_context(transom_serve(env, tmp_path / "b")).url
        second_id = await seed(empty_database_url)
        victim, _ = signed_in_client(second, SECOND)
        ws = await admin_socket(second, victim.cookies["transom_session"])
        # when the tenant's other admin changes it through the first server
        boss, csrf = signed_in_client(first, BOSS)
        query = (OPERATIONS / f"{operation}.graphql").read_text()
        body = graphql(boss, query, {"id": second_id, **variables}, csrf=csrf)
        (payload,) = body["data"].values()
        assert payload["userErrors"] == [], body
        # then the second server closes its socket within a second
        assert await closed_within(ws, 1.0) == 4403
        boss.close()
        victim.close()
