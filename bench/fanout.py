"""Fan-out benchmark: N door displays subscribed to one room on one server process.

Starts `transom serve` (SQLite in a temporary folder, sync off) on loopback,
connects N graphql-transport-ws subscribers to `roomBookings` with the display's
persisted operation, then changes the room R times through `updateRoom` and
measures, per change, when each subscriber receives the new day. Prints the
median and p99 latency (per client and per change until every client has it) and
the server's resident memory.

    .venv/bin/python bench/fanout.py [--clients 1000] [--rounds 10]

Targets on a 2-core machine: p99 under 500 ms, server under 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).parents[1]
OPERATION = (ROOT / "schema/operations/signage/RoomDayLive.graphql").read_text()
BOOTSTRAP = "bench-bootstrap-token-0123456789"
CONNECT_BATCH = 50


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def raise_file_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(
    folder: Path, port: int, database_url: str | None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRANSOM_DATA_DIR": str(folder),
        **({"TRANSOM_DATABASE_URL": database_url} if database_url else {}),
        "TRANSOM_RUN_SYNC": "false",
        "TRANSOM_BOOTSTRAP_TOKEN": BOOTSTRAP,
        "TRANSOM_PUBSUB_URL": "memory://",
    }
    command = [sys.executable, "-m", "transom", "serve", "--port", str(port)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError("the server did not become ready in 30 s")


async def graphql(
    base: str, query: str, variables: dict[str, object]
) -> dict[str, object]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{base}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {BOOTSTRAP}"},
        )
    body: dict[str, object] = response.json()
    assert "errors" not in body, body
    data = body["data"]
    assert isinstance(data, dict)
    return data


async def seed(base: str) -> str:
    tenant = await graphql(
        base, 'mutation { createTenant(input: {name: "Bench"}) { id } }', {}
    )
    tenant_id = tenant["createTenant"]["id"]  # type: ignore[index]
    room = await graphql(
        base,
        'mutation R($t: ID!) { createRoom(input: {name: "Aurora", tenantId: $t}) { id } }',
        {"t": tenant_id},
    )
    return str(room["createRoom"]["id"])  # type: ignore[index]


async def subscriber(base: str, room_id: str) -> ClientConnection:
    ws = await connect(
        base.replace("http", "ws", 1) + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_queue=None,
    )
    await ws.send(
        json.dumps(
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {BOOTSTRAP}"},
            }
        )
    )
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    payload = {"query": OPERATION, "variables": {"roomId": room_id}}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    first = json.loads(await ws.recv())
    assert first["type"] == "next", first
    assert "errors" not in first["payload"], first
    return ws


async def next_arrival(ws: ClientConnection) -> float:
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == "next":
            return time.perf_counter()


async def one_round(
    base: str, room_id: str, clients: list[ClientConnection], n: int
) -> list[float]:
    waiting = [asyncio.create_task(next_arrival(ws)) for ws in clients]
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    await graphql(
        base,
        "mutation U($id: ID!, $n: String!) { updateRoom(id: $id, input: {name: $n}) { id } }",
        {"id": room_id, "n": f"Aurora {n}"},
    )
    mutation_ms.append((time.perf_counter() - started) * 1000)
    async with asyncio.timeout(60):
        arrivals = await asyncio.gather(*waiting)
    return [(arrival - started) * 1000 for arrival in arrivals]


mutation_ms: list[float] = []


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


async def main(clients_wanted: int, rounds: int, database_url: str | None) -> None:
    raise_file_limit()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), port, database_url)
        try:
            await wait_ready(base)
            room_id = await seed(base)
            idle_rss = rss_mb(server.pid)
            clients: list[ClientConnection] = []
            for start in range(0, clients_wanted, CONNECT_BATCH):
                batch = min(CONNECT_BATCH, clients_wanted - start)
                clients += await asyncio.gather(
                    *(subscriber(base, room_id) for _ in range(batch))
                )
            connected_rss = rss_mb(server.pid)
            latencies: list[float] = []
            everyone: list[float] = []
            for n in range(rounds):
                round_latencies = await one_round(base, room_id, clients, n)
                latencies += round_latencies
                everyone.append(max(round_latencies))
                await asyncio.sleep(0.5)
            final_rss = rss_mb(server.pid)
            for ws in clients:
                await ws.close()
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(f"clients: {len(clients)}, changes: {rounds}")
    print(
        f"latency per client  median {statistics.median(latencies):7.1f} ms   p99 {p99(latencies):7.1f} ms"
    )
    print(
        f"until every client  median {statistics.median(everyone):7.1f} ms   max {max(everyone):7.1f} ms"
    )
    print(
        f"updateRoom round trip (part of the above)  median "
        f"{statistics.median(mutation_ms):7.1f} ms"
    )
    print(
        f"server RSS  idle {idle_rss:6.1f} MB   connected {connected_rss:6.1f} MB   after {final_rss:6.1f} MB"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--database-url",
        help="an empty database for the server (default: SQLite in a temp folder)",
    )
    args = parser.parse_args()
    asyncio.run(main(args.clients, args.rounds, args.database_url))
