"""The event bus: in-process and across processes (two buses stand in for two
``transom serve`` processes here; test_two_servers.py runs real ones)."""

from __future__ import annotations

import anyio
import pytest

from tests.pubsub.backends import BACKENDS, pubsub_url
from transom.pubsub import RESYNC, RelayBus, create_bus, room_channel
from transom.settings import Settings, SettingsError

pytestmark = pytest.mark.anyio

EVENT = {"type": "room", "roomId": "r1"}


def without_stamp(event: dict[str, object]) -> dict[str, object]:
    """Local delivery stamps events with when they arrived."""
    assert isinstance(event["received"], float)
    return {key: value for key, value in event.items() if key != "received"}


async def test_memory_bus_delivers_to_every_subscriber_of_the_channel() -> None:
    # given
    async with (
        create_bus("memory://") as bus,
        bus.subscribe(room_channel("r1")) as first,
        bus.subscribe(room_channel("r1")) as second,
        bus.subscribe(room_channel("r2")) as other,
    ):
        # when
        await bus.publish(room_channel("r1"), EVENT)
        # then
        assert without_stamp(first.get_nowait()) == EVENT
        assert without_stamp(second.get_nowait()) == EVENT
        assert other.empty()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_an_event_published_in_one_process_reaches_a_subscriber_in_another(
    backend: str,
) -> None:
    url = pubsub_url(backend)
    # given
    async with (
        create_bus(url) as publisher,
        create_bus(url) as listener,
        listener.subscribe(room_channel("r1")) as remote,
        publisher.subscribe(room_channel("r1")) as local,
    ):
        # when
        await publisher.publish(room_channel("r1"), EVENT)
        # then
        with anyio.fail_after(5):
            assert without_stamp(await remote.get()) == EVENT
        assert without_stamp(await local.get()) == EVENT
        await anyio.sleep(0.3)
        assert local.empty(), "a process must not receive its own echo twice"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_relay_that_reconnects_tells_subscribers_to_resync(
    backend: str,
) -> None:
    url = pubsub_url(backend)
    async with create_bus(url) as publisher, create_bus(url) as listener:
        assert isinstance(listener, RelayBus)
        async with listener.subscribe(room_channel("r1")) as remote:
            # given the listener's backend connection is killed
            await _kill_listener_connections(backend, url)
            # when it reconnects
            with anyio.fail_after(10):
                assert without_stamp(await remote.get()) == RESYNC
                # then events flow again
                while not listener.connected:  # noqa: ASYNC110 (a plain flag)
                    await anyio.sleep(0.05)
                await publisher.publish(room_channel("r1"), EVENT)
                assert without_stamp(await remote.get()) == EVENT


async def _kill_listener_connections(backend: str, url: str) -> None:
    if backend == "redis":
        import redis.asyncio as aioredis

        client = aioredis.from_url(url)
        try:
            await client.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        finally:
            await client.aclose()
        return
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'transom-pubsub' AND query LIKE 'LISTEN%'"
        )
    finally:
        await conn.close()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_deployments_sharing_a_server_do_not_hear_each_other(
    backend: str,
) -> None:
    url = pubsub_url(backend)
    # given two deployments (namespaces) on one Redis / PostgreSQL server
    async with (
        create_bus(url, "deployment_a") as first,
        create_bus(url, "deployment_a") as first_peer,
        create_bus(url, "deployment_b") as second,
        first_peer.subscribe(room_channel("r1")) as same,
        second.subscribe(room_channel("r1")) as other,
    ):
        # when the first publishes
        await first.publish(room_channel("r1"), EVENT)
        # then its own peers hear it, the other deployment does not
        with anyio.fail_after(5):
            assert without_stamp(await same.get()) == EVENT
        await anyio.sleep(0.3)
        assert other.empty()


def test_each_deployment_gets_its_own_namespace_from_its_database(tmp_path) -> None:
    def namespace(database: str, **env: str) -> str:
        values = {"TRANSOM_DATA_DIR": str(tmp_path), "TRANSOM_SECRET_KEY": "k" * 40}
        values["TRANSOM_DATABASE_URL"] = f"postgresql+asyncpg://u:pw@db:5432/{database}"
        return Settings.from_env(values | env).pubsub_namespace

    assert namespace("transom") == namespace("transom")
    assert namespace("transom") != namespace("transom_staging")
    assert namespace("transom", TRANSOM_PUBSUB_NAMESPACE="blue") == "blue"
    with pytest.raises(SettingsError, match="TRANSOM_PUBSUB_NAMESPACE"):
        namespace("transom", TRANSOM_PUBSUB_NAMESPACE="no spaces")
