"""Starting processes: several at once on a fresh database, and a wrong secret key."""

from __future__ import annotations

import pytest

from tests.factories import make_tenant
from tests.processes import TransomProcess
from transom.security import SecretBox

pytestmark = pytest.mark.anyio

KEY = "test-secret-key-" + "x" * 32


def test_three_processes_started_at_once_on_an_empty_database_all_become_ready(
    empty_database_url, tmp_path
):
    env = {"TRANSOM_DATABASE_URL": empty_database_url, "TRANSOM_SECRET_KEY": KEY}
    servers = [TransomProcess.start(env, tmp_path / f"n{n}") for n in range(3)]
    try:
        for server in servers:
            server.wait_ready()
    finally:
        for server in servers:
            server.stop()


async def test_a_process_whose_secret_key_cannot_open_stored_secrets_refuses_to_start(
    database_url, session, tmp_path
):
    # given a tenant whose client secret was stored under the deployment's key
    tenant = await make_tenant(session, name="Contoso")
    tenant.client_secret_encrypted = SecretBox(KEY).encrypt("the secret's value")
    await session.commit()
    env = {"TRANSOM_DATABASE_URL": database_url, "TRANSOM_SECRET_KEY": "other" * 8}
    # when a process starts with another key
    server = TransomProcess.start(env, tmp_path / "stray")
    code = server.process.wait(timeout=30)
    message = server.stderr()
    server.stop()
    # then it exits with one line that names the variable and the tenant
    assert code == 2
    assert message.count("\n") == 1, message
    assert message.startswith("transom: TRANSOM_SECRET_KEY cannot decrypt")
    assert "Contoso" in message
