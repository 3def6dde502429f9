"""Notification → push latency: a meeting made in Outlook reaches a subscribed
door display through a Graph change notification, and /metrics counts it."""

from __future__ import annotations

import dataclasses
from contextlib import ExitStack
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.displays.live_client import subscribe
from tests.displays.signage import operation, pair_display
from tests.emulator.graph_clients import graph_client
from tests.graphql_client import GraphQLClient
from tests.processes import transom_serve
from tests.pubsub.backends import pubsub_url
from tests.servers import free_port
from tests.sync.cluster import seed
from tests.sync.harness import Api, sync_env
from tests.sync.outlook import book
from tests.sync.test_outlook_notifications import ADELE, AURORA, linked_room, tomorrow
from transom.settings import Secret, Settings

pytestmark = pytest.mark.anyio

METRICS_TOKEN = "metrics-token-for-push-latency-0123"
HISTOGRAM = "transom_notification_push_latency_seconds"


@pytest.fixture
def sync_config(sync_config: Settings) -> Settings:
    return dataclasses.replace(sync_config, metrics_token=Secret(METRICS_TOKEN))


async def latency_count(transom: str) -> float:
    async with httpx.AsyncClient(base_url=transom) as http:
        scraped = await http.get(
            "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
    assert scraped.status_code == 200, scraped.text
    for family in text_string_to_metric_families(scraped.text):
        for sample in family.samples:
            if sample.name == f"{HISTOGRAM}_count":
                return sample.value
    raise AssertionError(f"{HISTOGRAM} is not in /metrics")


async def test_a_meeting_made_in_outlook_is_timed_to_the_display_push(
    api, emulator, transom
) -> None:
    # given: a display subscribed to its linked room's day
    room_id = await linked_room(api)
    with GraphQLClient(transom) as http:
        display = pair_display(http, api.token, room_id)
    before = await latency_count(transom)
    variables = {"roomId": room_id}
    async with subscribe(transom, display, operation("RoomDayLive"), variables) as feed:
        await feed.next()  # the day as it is
        # when: a meeting is made in Outlook (Graph notifies Transom)
        start = tomorrow(10)
        async with graph_client(emulator.url) as outlook:
            await book(
                outlook, ADELE, "Timed", start, start + timedelta(hours=1), (AURORA,)
            )
        pushed = await feed.next(seconds=10)
    # then: the push answered one notification, and /metrics timed it
    assert "errors" not in pushed, pushed
    assert await latency_count(transom) >= before + 1


@pytest.mark.timeout(240)
async def test_a_notification_landing_on_another_process_is_timed_too(
    empty_database_url, emulator, tmp_path
) -> None:
    # given: process W only answers Graph's webhook (no sync), process S syncs
    # the room and serves its display; they share PostgreSQL and Redis
    webhook_port = free_port()
    env = {
        **sync_env(
            empty_database_url,
            tmp_path,
            emulator_url=emulator.url,
            public_url=f"http://127.0.0.1:{webhook_port}",
        ),
        "TRANSOM_PUBSUB_URL": pubsub_url("redis"),
        "TRANSOM_METRICS_TOKEN": METRICS_TOKEN,
    }
    with ExitStack() as servers:
        servers.enter_context(
            transom_serve(
                {**env, "TRANSOM_RUN_SYNC": "false"}, tmp_path / "w", port=webhook_port
            )
        )
        syncing = servers.enter_context(transom_serve(env, tmp_path / "s")).url
        tenant_id, token = await seed(empty_database_url)  # migrated now
        api = Api(syncing, token, tenant_id)
        room_id = await linked_room(api)
        with GraphQLClient(syncing) as http:
            display = pair_display(http, token, room_id)
        variables = {"roomId": room_id}
        async with subscribe(
            syncing, display, operation("RoomDayLive"), variables
        ) as feed:
            await feed.next(seconds=10)
            # when: a meeting is made in Outlook; Graph notifies W
            start = tomorrow(11)
            async with graph_client(emulator.url) as outlook:
                await book(
                    outlook,
                    ADELE,
                    "Elsewhere",
                    start,
                    start + timedelta(hours=1),
                    (AURORA,),
                )
            pushed = await feed.next(seconds=10)
        # then: S pushed the update, and timed it from W's arrival
        assert "errors" not in pushed, pushed
        assert await latency_count(syncing) >= 1
