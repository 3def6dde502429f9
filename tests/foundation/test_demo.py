"""The README's demo command, as a new user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

QUERY = """
query ($start: DateTime!, $end: DateTime!) {
  rooms { id name building capacity status { state }
    bookings(start: $start, end: $end) { id subject start end organizer { name } } }
}
"""


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, str]]:
    port = free_port()
    env = {**os.environ, "TRANSOM_DATA_DIR": str(tmp_path / "data")}
    env.pop("TRANSOM_BOOTSTRAP_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "transom", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", _wait_for_token(process, port)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for_token(process: subprocess.Popen[str], port: int) -> str:
    assert process.stdout is not None
    token = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "Admin token:" in line:
            token = line.split("Admin token:")[1].strip()
        if token:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    return token
            except httpx.TransportError:
                time.sleep(0.1)
    raise AssertionError("the demo did not serve /healthz within 20 s")


def test_demo_serves_rooms_with_bookings_to_the_printed_token(demo) -> None:
    base, token = demo
    now = datetime.now(UTC)
    variables = {
        "start": (now - timedelta(days=7)).isoformat(),
        "end": (now + timedelta(days=7)).isoformat(),
    }
    body = httpx.post(
        f"{base}/graphql",
        json={"query": QUERY, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert "errors" not in body
    rooms = body["data"]["rooms"]
    assert len(rooms) >= 12
    assert len({r["building"] for r in rooms}) >= 2
    assert all(r["bookings"] for r in rooms)


def test_demo_refuses_a_request_without_token(demo) -> None:
    base, _ = demo
    body = httpx.post(f"{base}/graphql", json={"query": "{ rooms { id } }"}).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


SYNC_LOG = """
query ($id: ID!) { tenantSyncStatus(tenantId: $id) {
  mode roomsByStatus { status count } log { level message hint } } }"""


def test_a_new_admins_first_sync_log_has_no_stale_polling_warnings(demo) -> None:
    # given the demo (it syncs its rooms once before its server listens, when
    # Graph cannot reach it yet and falls back to polling)
    base, token = demo

    def graphql(query: str, **variables: object) -> dict:
        body = httpx.post(
            f"{base}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        assert "errors" not in body, body
        return body["data"]

    tenant_id = graphql("{ rooms { tenant { id } } }")["rooms"][0]["tenant"]["id"]
    # when the engine has subscribed every room
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = graphql(SYNC_LOG, id=tenant_id)["tenantSyncStatus"]
        if status["roomsByStatus"] == [{"status": "IN_SYNC", "count": 14}]:
            break
        time.sleep(0.5)
    # then the sync log agrees with the page: notifications, no polling warnings
    assert status["mode"] == "NOTIFICATIONS"
    assert status["roomsByStatus"] == [{"status": "IN_SYNC", "count": 14}]
    assert [e for e in status["log"] if "TRANSOM_PUBLIC_URL" in (e["hint"] or "")] == []
