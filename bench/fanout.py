"""Fan-out benchmark: N door displays subscribed to one room on one server process.

Starts `transom serve` (SQLite in a temporary folder, sync off) on loopback, seeds
a room with a day of meetings (stored as the sync stores Outlook's), pairs N
displays to the room the way a display does (``requestDisplayPairing``, then an
admin's ``pairDisplay``), and opens each display's graphql-transport-ws
subscription (``RoomDayLive``, the display's persisted operation, with its device
token and permessage-deflate, as Chromium asks for it). The clients run in
separate processes (``--client-processes``), not behind one event loop.

Then it changes the room R times through ``updateRoom``: its time zone moves, so
every change pushes a different day, and each client waits for that new day
(a late push of an earlier change does not count). Latency runs from just before
the mutation is sent to the moment the client's socket delivered the new day
(``time.monotonic()``, one clock for every process on the machine). Prints the
median and p99 per client and per change until every client has it, the
server's memory, and the CPU seconds the server and the clients spent.

    .venv/bin/python bench/fanout.py [--clients 1000] [--rounds 20]
        [--client-processes 2] [--nice -10] [--profile /tmp/fanout.txt]

Targets on a 2-core machine: p99 under 500 ms, server under 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.frames import Frame, Opcode

ROOT = Path(__file__).parents[1]
SIGNAGE = ROOT / "schema/operations/signage"
LIVE = (SIGNAGE / "RoomDayLive.graphql").read_text()
REQUEST_PAIRING = (SIGNAGE / "RequestDisplayPairing.graphql").read_text()
BOOTSTRAP = "bench-bootstrap-token-0123456789"
# Midnights at different hours (UTC offsets distinct mod 24 h): consecutive
# changes, and any change within the last seven, push different days.
ZONES = (
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/New_York",
    "Europe/Copenhagen",
    "America/Los_Angeles",
    "Asia/Dubai",
    "Pacific/Honolulu",
    "Etc/UTC",
)
CONNECT_BATCH = 50
PAIRINGS_PER_ADDRESS = 10  # the server's pairing rate limit per client address
MEETINGS = 10

PAIR = """mutation P($code: String!, $room: ID!) {
  pairDisplay(code: $code, roomId: $room) { display { id } }
}"""
UPDATE = """mutation U($id: ID!, $zone: String!, $name: String!) {
  updateRoom(id: $id, input: {timeZone: $zone, name: $name}) { room { id } }
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def raise_file_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


# ---------------------------------------------------------------- the server


def server_env(folder: Path, database_url: str | None) -> dict[str, str]:
    return {
        **os.environ,
        "TRANSOM_DATA_DIR": str(folder),
        **({"TRANSOM_DATABASE_URL": database_url} if database_url else {}),
        "TRANSOM_RUN_SYNC": "false",
        "TRANSOM_BOOTSTRAP_TOKEN": BOOTSTRAP,
        "TRANSOM_PUBSUB_URL": "memory://",
    }


def start_server(
    env: dict[str, str], port: int, log: str | None
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "transom", "serve", "--port", str(port)]
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(command, env=env, stdout=output, stderr=output)


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
    client: httpx.AsyncClient,
    base: str,
    query: str,
    variables: dict[str, object],
    token: str | None = BOOTSTRAP,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def seed(base: str) -> tuple[str, str]:
    """A tenant and its room; returns (tenant id, room id)."""
    async with httpx.AsyncClient(timeout=30) as client:
        tenant = await graphql(
            client,
            base,
            'mutation { createTenant(input: {name: "Bench", '
            'timeZone: "Europe/Copenhagen"}) { tenant { id } } }',
            {},
        )
        tenant_id = str(tenant["createTenant"]["tenant"]["id"])
        room = await graphql(
            client,
            base,
            'mutation R($t: ID!) { createRoom(input: {name: "Aurora", '
            'tenantId: $t, timeZone: "Etc/UTC"}) { room { id } } }',
            {"t": tenant_id},
        )
    return tenant_id, str(room["createRoom"]["room"]["id"])


async def seed_meetings(database_url: str, tenant_id: str, room_id: str) -> None:
    """Meetings around now in the room, stored as the sync stores Outlook's
    (the bench runs no Graph, so it writes them to the database itself)."""
    from transom.db import models
    from transom.db.engine import create_engine, create_sessions

    engine = create_engine(database_url)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    try:
        async with create_sessions(engine)() as session:
            for n in range(MEETINGS):
                start = now + timedelta(hours=n - 3)
                session.add(
                    models.Booking(
                        tenant_id=tenant_id,
                        room_id=room_id,
                        graph_event_id=f"bench-{n}",
                        start=start,
                        end=start + timedelta(minutes=45),
                        subject=f"Weekly planning {n}",
                        organizer_name="Adele Vance",
                        organizer_email="adele@contoso.example",
                        is_private=n % 4 == 3,
                        source="OUTLOOK",
                        state="CONFIRMED",
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()


async def pair_displays(base: str, room_id: str, count: int) -> list[str]:
    """Pair ``count`` displays to the room; returns their device tokens. Each
    ten displays ask from their own loopback address (127.0.0.2, …), as
    displays on a network do, within the per-address pairing limit."""

    async def group(index: int, size: int) -> list[str]:
        address = f"127.0.{index // 250}.{2 + index % 250}"
        transport = httpx.AsyncHTTPTransport(local_address=address)
        async with (
            httpx.AsyncClient(transport=transport, timeout=60) as device,
            httpx.AsyncClient(timeout=60) as admin,
        ):
            tokens = []
            for _ in range(size):
                asked = await graphql(device, base, REQUEST_PAIRING, {}, token=None)
                pairing = asked["requestDisplayPairing"]["pairing"]
                await graphql(
                    admin, base, PAIR, {"code": pairing["code"], "room": room_id}
                )
                tokens.append(str(pairing["secret"]))
            return tokens

    sizes = [
        min(PAIRINGS_PER_ADDRESS, count - start)
        for start in range(0, count, PAIRINGS_PER_ADDRESS)
    ]
    tokens: list[str] = []
    for first in range(0, len(sizes), 10):  # ten addresses at a time
        batch = sizes[first : first + 10]
        groups = await asyncio.gather(
            *(group(first + i, size) for i, size in enumerate(batch))
        )
        tokens += [token for g in groups for token in g]
    return tokens


def start_profiler(pid: int, output: str | None) -> subprocess.Popen[bytes] | None:
    """py-spy recording the server, if asked for and installed."""
    beside = Path(sys.executable).parent / "py-spy"
    spy = str(beside) if beside.exists() else shutil.which("py-spy")
    if output is None or spy is None:
        return None
    command = [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200"]
    return subprocess.Popen(
        [*command, "--output", output, "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# ---------------------------------------------------------------- the clients


class StampedConnection(ClientConnection):
    """Notes the monotonic time each complete data message came off the socket,
    before anything waits on it, so the client's own scheduling adds nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived: deque[float] = deque()

    def process_event(self, event: Any) -> None:
        if (
            isinstance(event, Frame)
            and event.fin
            and event.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)
        ):
            self.arrived.append(time.monotonic())
        super().process_event(event)


class Round:
    """How many of a worker's clients still wait for the change."""

    def __init__(self) -> None:
        self.waiting = 0
        self.done = asyncio.Event()
        self.failure: BaseException | None = None

    def start(self, clients: int) -> None:
        self.waiting = clients
        self.done.clear()

    def arrived(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.done.set()

    def failed(self, error: BaseException) -> None:
        self.failure = error
        self.done.set()


class Client:
    """One display's connection: keeps the day it shows, and notes when a
    different day arrives after :meth:`arm`."""

    def __init__(self, ws: StampedConnection, day: str, round_: Round) -> None:
        self.ws = ws
        self.day = day
        self.round = round_
        self.before: str | None = None
        self.got: float | None = None

    @classmethod
    async def subscribe(
        cls, url: str, room_id: str, token: str, round_: Round
    ) -> Client:
        ws = await connect(
            url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            create_connection=StampedConnection,
            max_queue=None,
            open_timeout=120,
            ping_interval=None,  # browsers do not ping either
        )
        assert isinstance(ws, StampedConnection)
        init = {"Authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": LIVE, "variables": {"roomId": room_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        first = json.loads(await ws.recv())
        assert first["type"] == "next", first
        assert "errors" not in first["payload"], first
        ws.arrived.clear()
        day = str(first["payload"]["data"]["roomBookings"]["start"])
        return cls(ws, day, round_)

    async def read(self) -> None:
        try:
            while True:
                await self._next()
        except Exception as error:
            self.round.failed(error)
            raise

    async def _next(self) -> None:
        raw = str(await self.ws.recv())
        at = self.ws.arrived.popleft()
        if raw.startswith('{"id":"1","type":"next","payload":{"data":{"roomBookings"'):
            # The day's start without parsing the rest: the clients share the
            # server's two CPUs, so they do as little as they can.
            start = raw.index('"start":"') + len('"start":"')
            self.day = raw[start : raw.index('"', start)]
        else:
            message = json.loads(raw)
            if message.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                return
            raise RuntimeError(f"unexpected message: {message!r:.300}")
        if self.before is not None and self.day != self.before:
            self.before, self.got = None, at
            self.round.arrived()

    def arm(self) -> None:
        self.before, self.got = self.day, None


async def worker() -> None:
    """A client process: reads its job, then commands, as JSON lines on stdin."""
    raise_file_limit()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )

    def say(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    job = json.loads(await reader.readline())
    clients: list[Client] = []
    round_ = Round()
    tokens: list[str] = job["tokens"]
    for start in range(0, len(tokens), CONNECT_BATCH):
        clients += await asyncio.gather(
            *(
                Client.subscribe(job["url"], job["room"], token, round_)
                for token in tokens[start : start + CONNECT_BATCH]
            )
        )
    readers = [asyncio.create_task(client.read()) for client in clients]
    say({"connected": len(clients)})
    while line := await reader.readline():
        command = json.loads(line)["do"]
        if command == "arm":
            round_.start(len(clients))
            for client in clients:
                client.arm()
            say({"armed": True})
        elif command == "collect":
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(60):
                    await round_.done.wait()
            if round_.failure is not None:
                raise RuntimeError("a client failed") from round_.failure
            say(
                {
                    "arrivals": [c.got for c in clients if c.got is not None],
                    "days": sorted({c.day for c in clients}),
                    "missing": sum(1 for c in clients if c.got is None),
                }
            )
        elif command == "stop":
            break
    for task in readers:
        task.cancel()
    await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)


class WorkerProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def tell(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()

    async def hear(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(300):
            line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("a client process died (its stderr is above)")
        answer: dict[str, Any] = json.loads(line)
        return answer


async def start_workers(
    url: str, room_id: str, tokens: list[str], processes: int
) -> list[WorkerProcess]:
    workers = []
    for n in range(processes):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**24,
        )
        workers.append(WorkerProcess(process))
        share = tokens[n::processes]
        await workers[-1].tell({"url": url, "room": room_id, "tokens": share})
        # One process at a time: connecting is not what is measured.
        assert "connected" in await workers[-1].hear()
    return workers


# ---------------------------------------------------------------- the changes


async def one_round(
    base: str, room_id: str, workers: list[WorkerProcess], n: int
) -> tuple[list[float], float]:
    """Every client's latency (ms) for one change, and the mutation's."""
    for w in workers:
        await w.tell({"do": "arm"})
    for w in workers:
        assert (await w.hear())["armed"]
    zone = ZONES[n % len(ZONES)]
    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await graphql(
            client, base, UPDATE, {"id": room_id, "zone": zone, "name": f"Aurora {n}"}
        )
        mutation_ms = (time.monotonic() - started) * 1000
    latencies: list[float] = []
    days: set[str] = set()
    for w in workers:
        await w.tell({"do": "collect"})
    for w in workers:
        answer = await w.hear()
        if answer["missing"]:
            raise RuntimeError(f"{answer['missing']} clients missed change {n}")
        latencies += [(at - started) * 1000 for at in answer["arrivals"]]
        days.update(answer["days"])
    if len(days) != 1:
        raise RuntimeError(f"after change {n} the clients show different days {days}")
    return latencies, mutation_ms


async def main(args: argparse.Namespace) -> None:
    raise_file_limit()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = server_env(Path(folder), args.database_url)
        server = start_server(env, port, args.server_log)
        workers: list[WorkerProcess] = []
        try:
            await wait_ready(base)
            tenant_id, room_id = await seed(base)
            from transom.settings import Settings

            await seed_meetings(Settings.from_env(env).database_url, tenant_id, room_id)
            tokens = await pair_displays(base, room_id, args.clients)
            idle_rss = memory_mb(server.pid)
            url = base.replace("http", "ws", 1) + "/graphql"
            workers = await start_workers(url, room_id, tokens, args.client_processes)
            connected_rss = memory_mb(server.pid)
            if args.nice:
                for pid in (server.pid, *(w.process.pid for w in workers)):
                    os.setpriority(os.PRIO_PROCESS, pid, args.nice)
            profiler = start_profiler(server.pid, args.profile)
            if profiler is not None:
                await asyncio.sleep(1)
            server_cpu = cpu_seconds(server.pid)
            client_cpu = sum(cpu_seconds(w.process.pid) for w in workers)
            load_before = os.getloadavg()[0]
            wall = time.monotonic()
            latencies: list[float] = []
            everyone: list[float] = []
            mutations: list[float] = []
            for n in range(args.rounds):
                round_latencies, mutation_ms = await one_round(
                    base, room_id, workers, n
                )
                latencies += round_latencies
                everyone.append(max(round_latencies))
                mutations.append(mutation_ms)
                await asyncio.sleep(args.pause)
            wall = time.monotonic() - wall
            load_after = os.getloadavg()[0]
            server_cpu = cpu_seconds(server.pid) - server_cpu
            client_cpu = sum(cpu_seconds(w.process.pid) for w in workers) - client_cpu
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)  # py-spy writes what it has
                profiler.wait(timeout=60)
            final_rss = memory_mb(server.pid)
            peak_rss = memory_mb(server.pid, "VmHWM")
            for w in workers:
                await w.tell({"do": "stop"})
                await w.process.wait()
        finally:
            for w in workers:
                if w.process.returncode is None:
                    w.process.kill()
            server.terminate()
            server.wait(timeout=15)
    clients = len(latencies) // args.rounds
    print(
        f"clients: {clients} displays (device tokens, offering permessage-deflate) in "
        f"{args.client_processes} client processes; changes: {args.rounds}; "
        f"meetings around now: {MEETINGS}"
    )
    print(
        f"latency per client  median {statistics.median(latencies):7.1f} ms"
        f"   p99 {p99(latencies):7.1f} ms   max {max(latencies):7.1f} ms"
    )
    print(
        f"until every client  median {statistics.median(everyone):7.1f} ms"
        f"   p99 {p99(everyone):7.1f} ms   max {max(everyone):7.1f} ms"
    )
    print(
        f"updateRoom round trip (part of the above)  median "
        f"{statistics.median(mutations):7.1f} ms"
    )
    print(
        f"CPU during the changes ({wall:.0f} s wall)  server {server_cpu:5.1f} s"
        f"   clients {client_cpu:5.1f} s"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before "
        f"and {load_after:.1f} after the changes (other work shares the CPUs)"
        + (f"; server and clients at nice {args.nice}" if args.nice else "")
    )
    print(
        f"server RSS  idle {idle_rss:6.1f} MB   connected {connected_rss:6.1f} MB"
        f"   after {final_rss:6.1f} MB   peak {peak_rss:6.1f} MB"
    )
    if args.profile:
        print(f"py-spy profile of the server during the changes: {args.profile}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument(
        "--pause", type=float, default=0.5, help="seconds between changes"
    )
    parser.add_argument(
        "--database-url",
        help="an empty database for the server (default: SQLite in a temp folder)",
    )
    parser.add_argument(
        "--profile", help="write a py-spy profile (raw) of the server's changes here"
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the server and clients at this niceness (e.g. -10, as root) "
        "so unrelated work on a shared machine disturbs the figures less",
    )
    parser.add_argument("--server-log", help="write the server's output here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        # Keep the clients' own overhead low: uvloop (uvicorn's) when there.
        run = asyncio.run
        with contextlib.suppress(ImportError):
            from uvloop import run
        run(worker())
    else:
        asyncio.run(main(args))
