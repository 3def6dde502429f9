"""/metrics: Prometheus's text format for whoever holds the token, with the
database's states read at scrape time and the process's counters."""

from __future__ import annotations

from datetime import timedelta

import anyio
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.sync.client import connect

from tests.conftest import Clock
from tests.factories import make_room, make_tenant
from tests.graph.emulated import APP_PATH, Emulated
from tests.ops.conftest import METRICS_TOKEN
from transom.db import models
from transom.graph import GraphAuthError, GraphLimits

pytestmark = pytest.mark.anyio

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(base_url: str, token: str | None = METRICS_TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base_url) as http:
        return await http.get("/metrics", headers=headers)


async def samples(base_url: str) -> Samples:
    response = await scrape(base_url)
    assert response.status_code == 200, response.text
    found: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_are_off_without_a_token(server: str) -> None:
    response = await scrape(server)
    assert response.status_code == 404


async def test_metrics_answer_only_the_right_bearer_token(metered: str) -> None:
    missing = await scrape(metered, token=None)
    wrong = await scrape(metered, token="not-the-metrics-token-at-all")
    right = await scrape(metered)
    assert missing.status_code == 401
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert right.headers["content-type"].startswith("text/plain")


async def test_metrics_show_sync_lag_outbox_depth_and_displays_online(
    metered: str, session: AsyncSession, clock: Clock
) -> None:
    # given
    now = clock.now
    tenant = await make_tenant(session)
    room = await make_room(session, tenant, "Aurora")
    session.add_all(
        [
            models.MailboxSyncState(
                tenant_id=tenant.id,
                mailbox="aurora@contoso.example",
                room_id=room.id,
                status="FAILED",
                last_synced_at=now - timedelta(seconds=90),
            ),
            *(
                models.OutboxItem(
                    tenant_id=tenant.id,
                    kind="CREATE_BOOKING",
                    status=status,
                    created_at=now - timedelta(seconds=age),
                )
                for status, age in (("PENDING", 300), ("PENDING", 60), ("FAILED", 30))
            ),
            *(
                models.Display(
                    tenant_id=tenant.id,
                    room_id=room.id,
                    paired_at=now - timedelta(days=1),
                    last_seen_at=now - timedelta(seconds=seen),
                )
                for seen in (30, 600)
            ),
        ]
    )
    await session.commit()
    # when
    found = await samples(metered)
    # then
    mailbox = {"tenant": tenant.id, "mailbox": "aurora@contoso.example", "kind": "room"}
    assert value(found, "transom_mailbox_sync_lag_seconds", **mailbox) == 90
    assert value(found, "transom_mailbox_sync_state", **mailbox, state="FAILED") == 1
    assert value(found, "transom_outbox_items", status="PENDING") == 2
    assert value(found, "transom_outbox_oldest_age_seconds", status="PENDING") == 300
    assert value(found, "transom_outbox_items", status="FAILED") == 1
    assert value(found, "transom_displays_paired") == 2
    assert value(found, "transom_displays_online") == 1


async def test_graph_responses_are_counted_by_status_with_429s_apart(
    metered: str, emulated: Emulated
) -> None:
    # given two 429s, then success
    before = await samples(metered)
    await emulated.control.post(
        "/_emulator/faults",
        json={"failNext": 2, "failStatus": 429, "retryAfterSeconds": 1},
    )
    client, _ = emulated.client(limits=GraphLimits(max_retries=3))
    # when
    async with client:
        await client.fetch_rooms()
    after = await samples(metered)
    # then
    name = "transom_graph_requests_total"
    assert value(after, name, status="429") - value(before, name, status="429") == 2
    assert value(after, name, status="200") > value(before, name, status="200")


async def test_refused_token_requests_are_counted_as_token_failures(
    metered: str, emulated: Emulated
) -> None:
    # given
    before = await samples(metered)
    await emulated.control.post(f"{APP_PATH}/secrets/all/expire")
    client, _ = emulated.client()
    # when
    async with client:
        with pytest.raises(GraphAuthError):
            await client.fetch_organization()
    after = await samples(metered)
    # then
    name = "transom_token_failures_total"
    assert value(after, name) > value(before, name)


async def test_open_websockets_are_counted(metered: str) -> None:
    url = metered.replace("http://", "ws://") + "/graphql"
    before = await samples(metered)

    def open_one() -> None:
        with connect(url, subprotocols=["graphql-transport-ws"]):
            during.update(anyio.from_thread.run(samples, metered))

    during: Samples = {}
    await anyio.to_thread.run_sync(open_one)
    after = await samples(metered)
    name = "transom_websocket_connections"
    assert value(during, name) == value(before, name) + 1
    assert value(after, name) == value(before, name)
