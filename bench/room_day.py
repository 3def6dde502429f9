"""RoomDay against hello-world: requests/s, and 1,000 displays after a restart.

Starts ``transom serve`` (SQLite in a temporary folder, sync off, the uvicorn
settings of ``transom serve``), seeds a tenant with rooms, a day of bookings in
each (stored as the sync stores Outlook's) and paired door displays, and a
strawberry hello-world app (``{ hello }``) under the same uvicorn settings. Then,
alternately for several rounds, it loads each with 16 concurrent connections
from another process (``wrk`` when installed, else an aiohttp load generator)
and prints requests/s of RoomDay (the display's persisted document, with its
device token, POSTed as the display sends it), of hello, their ratio and the
server CPU per request.

Then (``--displays``, 0 to skip) it pairs that many displays over the rooms,
brings each up in client processes the way a display does (``DisplayHome``,
``RoomDay``, then the ``RoomDayLive`` subscription's first push), restarts the
server (SIGTERM, start again on the same port and database) and prints how
long until every display is back and current: reconnecting with the display's
own back-off (1 s doubling, jittered, as ``signage/static/schedule.js``).

    .venv/bin/python bench/room_day.py [--rounds 5] [--seconds 8]
        [--rooms 4] [--bookings 16] [--displays 1000] [--profile out.txt]

Prints figures; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout import (
    PAIR,
    PAIRINGS_PER_ADDRESS,
    REQUEST_PAIRING,
    SIGNAGE,
    cpu_seconds,
    free_port,
    graphql,
    memory_mb,
    raise_file_limit,
    server_env,
    start_profiler,
    start_server,
    wait_ready,
)

ROOM_DAY = (SIGNAGE / "RoomDay.graphql").read_text()
HOME = (SIGNAGE / "DisplayHome.graphql").read_text()
LIVE = (SIGNAGE / "RoomDayLive.graphql").read_text()
HELLO = "{ hello }"
CONNECTIONS = 16
SEEN_ERRORS: set[str] = set()


# ---------------------------------------------------------------- hello-world


def hello_server(port: int) -> None:
    """Strawberry's smallest app, served as ``transom serve`` serves Transom."""
    import strawberry
    import uvicorn
    from strawberry.asgi import GraphQL

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "Hello, world"

    app = GraphQL(strawberry.Schema(query=Query))
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        ws_per_message_deflate=False,
        log_config=None,
        log_level="warning",
    )


def start_hello(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, __file__, "--hello-server", str(port)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


async def wait_hello(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                answer = await client.post(f"{base}/graphql", json={"query": HELLO})
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError("the hello-world app did not start in 30 s")


# ---------------------------------------------------------------- seeding


async def seed_rooms(base: str, rooms: int) -> tuple[str, list[str]]:
    async with httpx.AsyncClient(timeout=30) as client:
        made = await graphql(
            client,
            base,
            'mutation { createTenant(input: {name: "Bench", '
            'timeZone: "Europe/Copenhagen"}) { tenant { id } } }',
            {},
        )
        tenant_id = str(made["createTenant"]["tenant"]["id"])
        room_ids = []
        for n in range(rooms):
            room = await graphql(
                client,
                base,
                "mutation R($t: ID!, $n: String!) { createRoom(input: {name: $n, "
                'tenantId: $t, timeZone: "Etc/UTC"}) { room { id } } }',
                {"t": tenant_id, "n": f"Room {n}"},
            )
            room_ids.append(str(room["createRoom"]["room"]["id"]))
    return tenant_id, room_ids


async def seed_day(
    database_url: str, tenant_id: str, room_ids: list[str], bookings: int
) -> None:
    """``bookings`` meetings in today (UTC) in each room, 30 minutes apart."""
    from transom.db import models
    from transom.db.engine import create_engine, create_sessions

    engine = create_engine(database_url)
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    step = timedelta(hours=24) / max(bookings, 1)
    try:
        async with create_sessions(engine)() as session:
            for room_id in room_ids:
                for n in range(bookings):
                    start = midnight + step * n
                    session.add(
                        models.Booking(
                            tenant_id=tenant_id,
                            room_id=room_id,
                            graph_event_id=f"bench-{room_id}-{n}",
                            start=start,
                            end=start + step * 0.75,
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


_addresses = iter(range(10**6))


async def pair_displays(base: str, room_ids: list[str], count: int) -> list[str]:
    """Pair ``count`` displays over the rooms (in turn) as bench/fanout.py
    does: each ten ask from their own loopback address, within the server's
    per-address pairing limit. Returns their device tokens, room by room in turn."""

    async def group(index: int, rooms: list[str]) -> list[str]:
        address = f"127.{1 + index // 62500}.{index // 250 % 250}.{2 + index % 250}"
        transport = httpx.AsyncHTTPTransport(local_address=address)
        async with (
            httpx.AsyncClient(transport=transport, timeout=60) as device,
            httpx.AsyncClient(timeout=60) as admin,
        ):
            tokens = []
            for room_id in rooms:
                asked = await graphql(device, base, REQUEST_PAIRING, {}, token=None)
                pairing = asked["requestDisplayPairing"]["pairing"]
                await graphql(
                    admin, base, PAIR, {"code": pairing["code"], "room": room_id}
                )
                tokens.append(str(pairing["secret"]))
            return tokens

    wanted = [room_ids[n % len(room_ids)] for n in range(count)]
    chunks = [
        wanted[start : start + PAIRINGS_PER_ADDRESS]
        for start in range(0, count, PAIRINGS_PER_ADDRESS)
    ]
    tokens: list[str] = []
    for first in range(0, len(chunks), 10):  # ten addresses at a time
        groups = await asyncio.gather(
            *(group(next(_addresses), chunk) for chunk in chunks[first : first + 10])
        )
        tokens += [token for g in groups for token in g]
    return tokens


# ---------------------------------------------------------------- load


def body_of(query: str, variables: dict[str, Any] | None = None) -> str:
    return json.dumps({"query": query, "variables": variables or {}})


WRK_SCRIPT = """
local bodies = {%(bodies)s}
local tokens = {%(tokens)s}
local n = 0
request = function()
  n = n + 1
  local i = (n %% #bodies) + 1
  local headers = {["Content-Type"] = "application/json"}
  if tokens[i] ~= "" then headers["Authorization"] = "Bearer " .. tokens[i] end
  return wrk.format("POST", "/graphql", headers, bodies[i])
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    wrk.thread:stop()
    io.stderr:write("bad answer " .. status .. " " .. body .. "\\n")
  end
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


async def wrk_rps(
    base: str, requests: list[tuple[str, str]], seconds: float
) -> tuple[float, int]:
    """requests/s and the number of requests, by wrk (one thread)."""
    script = WRK_SCRIPT % {
        "bodies": ", ".join(lua_string(body) for body, _ in requests),
        "tokens": ", ".join(lua_string(token) for _, token in requests),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        process = await asyncio.create_subprocess_exec(
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{seconds:g}s",
            "-s",
            file.name,
            f"{base}/graphql",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
    finally:
        os.unlink(file.name)
    text = out.decode()
    if err.strip() or "Non-2xx" in text:
        raise RuntimeError(f"wrk saw bad answers: {err.decode()[:500]} {text}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    return rps, total


async def aiohttp_load(job: dict[str, Any]) -> None:
    """The load generator without wrk: CONNECTIONS loops, one connection each."""
    import aiohttp

    requests = job["requests"]
    done = 0
    stop = time.monotonic() + job["seconds"]

    async def loop(index: int) -> None:
        nonlocal done
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(connector=connector) as session:
            n = index
            while time.monotonic() < stop:
                body, token = requests[n % len(requests)]
                n += 1
                headers = {"Content-Type": "application/json"}
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                async with session.post(
                    job["url"], data=body, headers=headers
                ) as answer:
                    text = await answer.text()
                    if answer.status != 200 or '"errors"' in text:
                        raise RuntimeError(f"bad answer {answer.status} {text[:300]}")
                done += 1

    started = time.monotonic()
    await asyncio.gather(*(loop(i) for i in range(CONNECTIONS)))
    print(json.dumps({"rps": done / (time.monotonic() - started), "total": done}))


async def python_rps(
    base: str, requests: list[tuple[str, str]], seconds: float
) -> tuple[float, int]:
    job = {"url": f"{base}/graphql", "requests": requests, "seconds": seconds}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--load",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate(json.dumps(job).encode())
    answer = json.loads(out)
    return float(answer["rps"]), int(answer["total"])


async def measure(
    base: str, requests: list[tuple[str, str]], seconds: float
) -> tuple[float, int]:
    if shutil.which("wrk"):
        return await wrk_rps(base, requests, seconds)
    return await python_rps(base, requests, seconds)


# ---------------------------------------------------------------- displays


class RefusedError(Exception):
    """The server answered a display's read without its data."""


def backoff(attempt: int) -> float:
    """signage/static/schedule.js: 1 s doubling to 60 s, jittered."""
    ceiling = min(60.0, 1.0 * 2 ** min(attempt, 10))
    return ceiling / 2 + random.random() * ceiling / 2  # not crypto


async def display(
    session: Any, base: str, token: str, state: dict[str, Any], index: int
) -> None:
    """One display: fetch home and day, subscribe, note when current; again
    after the socket closes (with back-off)."""
    from websockets.asyncio.client import connect

    url = base.replace("http", "ws", 1) + "/graphql"
    headers = {"Authorization": f"Bearer {token}"}
    attempt = 0
    while True:
        try:
            async with session.post(
                f"{base}/graphql", json={"query": HOME}, headers=headers
            ) as answer:
                home = await answer.json()
            if not home.get("data"):  # the server refused: say how, then retry
                raise RefusedError(f"DisplayHome {answer.status}: {home}")
            room_id = home["data"]["thisDisplay"]["room"]["id"]
            async with session.post(
                f"{base}/graphql",
                json={"query": ROOM_DAY, "variables": {"roomId": room_id}},
                headers=headers,
            ) as answer:
                day = await answer.json()
            if not day.get("data") or not day["data"].get("roomDay"):
                raise RefusedError(f"RoomDay {answer.status}: {day}")
            assert day["data"]["roomDay"]["roomId"] == room_id, day
            async with connect(
                url,
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                open_timeout=60,
                ping_interval=None,
                compression=None,
            ) as ws:
                init = {"Authorization": f"Bearer {token}"}
                await ws.send(json.dumps({"type": "connection_init", "payload": init}))
                assert json.loads(await ws.recv())["type"] == "connection_ack"
                payload = {"query": LIVE, "variables": {"roomId": room_id}}
                await ws.send(
                    json.dumps({"id": "1", "type": "subscribe", "payload": payload})
                )
                first = json.loads(await ws.recv())
                assert first["type"] == "next"
                assert "errors" not in first["payload"]
                attempt = 0
                state["current"][index] = time.monotonic()
                async for _ in ws:
                    pass
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the server is away: retry
            kind = type(error).__name__
            if isinstance(error, RefusedError):  # each refusal once
                kind = str(error)[:120]
            if kind not in SEEN_ERRORS:  # each kind once, on stderr
                SEEN_ERRORS.add(kind)
                print(f"display: {error!r:.300}", file=sys.stderr)
        state["current"][index] = None
        await asyncio.sleep(backoff(attempt))
        attempt += 1


async def display_worker() -> None:
    """A client process: its job on stdin; answers "how many current" lines."""
    import aiohttp

    raise_file_limit()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    job = json.loads(await reader.readline())
    state: dict[str, Any] = {"current": [None] * len(job["tokens"])}
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [
            asyncio.create_task(display(session, job["base"], token, state, i))
            for i, token in enumerate(job["tokens"])
        ]
        while await reader.readline():
            current = [t for t in state["current"] if t is not None]
            sys.stdout.write(
                json.dumps({"current": len(current), "last": max(current, default=0)})
                + "\n"
            )
            sys.stdout.flush()
        for task in tasks:
            task.cancel()


class Displays:
    def __init__(self, processes: list[asyncio.subprocess.Process]) -> None:
        self.processes = processes

    @classmethod
    async def start(cls, base: str, tokens: list[str], count: int) -> Displays:
        processes = []
        for n in range(count):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--displays-worker",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert process.stdin is not None
            job = {"base": base, "tokens": tokens[n::count]}
            process.stdin.write((json.dumps(job) + "\n").encode())
            await process.stdin.drain()
            processes.append(process)
        return cls(processes)

    async def current(self) -> tuple[int, float]:
        total, last = 0, 0.0
        for process in self.processes:
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.write(b"?\n")
            await process.stdin.drain()
            answer = json.loads(await process.stdout.readline())
            total += answer["current"]
            last = max(last, answer["last"])
        return total, last

    async def wait_all(self, count: int, limit: float) -> float | None:
        """When every display was current (monotonic), or None after ``limit``."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            current, last = await self.current()
            if current == count:
                return last
            await asyncio.sleep(0.1)
        return None

    async def stop(self) -> None:
        for process in self.processes:
            if process.stdin is not None:
                process.stdin.close()
        for process in self.processes:
            try:
                async with asyncio.timeout(10):
                    await process.wait()
            except TimeoutError:
                process.kill()


# ---------------------------------------------------------------- main


async def main(args: argparse.Namespace) -> None:
    raise_file_limit()
    port, hello_port = free_port(), free_port()
    base, hello_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{hello_port}"
    with tempfile.TemporaryDirectory() as folder:
        env = server_env(Path(folder), args.database_url)
        server = start_server(env, port, args.server_log)
        hello = start_hello(hello_port)
        try:
            await wait_ready(base)
            await wait_hello(hello_base)
            tenant_id, room_ids = await seed_rooms(base, args.rooms)
            from transom.settings import Settings

            database_url = Settings.from_env(env).database_url
            await seed_day(database_url, tenant_id, room_ids, args.bookings)
            # 16 displays over the rooms, one per connection.
            paired = await pair_displays(base, room_ids, CONNECTIONS)
            tokens = [
                (room_ids[n % len(room_ids)], token) for n, token in enumerate(paired)
            ]
            day_requests = [
                (body_of(ROOM_DAY, {"roomId": room}), token) for room, token in tokens
            ]
            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"{base}/graphql",
                    content=day_requests[0][0],
                    headers={
                        "Authorization": f"Bearer {day_requests[0][1]}",
                        "Content-Type": "application/json",
                    },
                )
                shown = answer.json()["data"]["roomDay"]["bookings"]
            hello_requests = [(body_of(HELLO), "")]
            day_rps: list[float] = []
            hello_rps: list[float] = []
            day_cpu: list[float] = []
            hello_cpu: list[float] = []
            profiler = start_profiler(server.pid, args.profile)
            for _ in range(args.rounds):
                before = cpu_seconds(server.pid)
                rps, total = await measure(base, day_requests, args.seconds)
                day_rps.append(rps)
                day_cpu.append((cpu_seconds(server.pid) - before) / total * 1000)
                before = cpu_seconds(hello.pid)
                rps, total = await measure(hello_base, hello_requests, args.seconds)
                hello_rps.append(rps)
                hello_cpu.append((cpu_seconds(hello.pid) - before) / total * 1000)
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=60)
            load = os.getloadavg()[0]
            print(
                f"RoomDay: {len(room_ids)} rooms, {len(shown)} bookings in the day, "
                f"{len(tokens)} displays; {CONNECTIONS} connections, "
                f"{args.rounds} rounds of {args.seconds:g} s each, alternating "
                f"({'wrk' if shutil.which('wrk') else 'aiohttp'})"
            )
            for n, (d, h) in enumerate(zip(day_rps, hello_rps, strict=True)):
                print(f"  round {n + 1}: RoomDay {d:8.0f} rps   hello {h:8.0f} rps")
            d, h = statistics.median(day_rps), statistics.median(hello_rps)
            print(
                f"median  RoomDay {d:8.0f} rps   hello {h:8.0f} rps   ratio {d / h:.2f}"
            )
            print(
                f"server CPU per request  RoomDay "
                f"{statistics.median(day_cpu):.2f} ms   hello "
                f"{statistics.median(hello_cpu):.2f} ms"
            )
            print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f}")
            if args.profile:
                print(f"py-spy profile of the RoomDay rounds: {args.profile}")
            hello.terminate()
            if args.displays:
                server = await restart_storm(
                    args, env, port, base, room_ids, server, database_url
                )
        finally:
            hello.terminate()
            server.terminate()
            server.wait(timeout=15)
            hello.wait(timeout=15)


async def restart_storm(
    args: argparse.Namespace,
    env: dict[str, str],
    port: int,
    base: str,
    room_ids: list[str],
    server: subprocess.Popen[bytes],
    database_url: str,
) -> subprocess.Popen[bytes]:
    tokens = await pair_displays(base, room_ids, args.displays)
    displays = await Displays.start(base, tokens, args.client_processes)
    try:
        if await displays.wait_all(len(tokens), 300) is None:
            raise RuntimeError("the displays did not all come up in 300 s")
        server.terminate()
        server.wait(timeout=30)
        stopped = time.monotonic()
        server = start_server(env, port, args.server_log)
        await wait_ready(base)
        ready = time.monotonic()
        cpu_before = cpu_seconds(server.pid)
        back = await displays.wait_all(len(tokens), 300)
        cpu = cpu_seconds(server.pid) - cpu_before
        rss = memory_mb(server.pid)
        if back is None:
            print("restart: not every display came back within 300 s")
        else:
            print(
                f"restart: {len(tokens)} displays over {len(room_ids)} rooms; "
                f"server ready {ready - stopped:.1f} s after it stopped; every "
                f"display back and current {back - stopped:.1f} s after the stop "
                f"({back - ready:.1f} s after ready; the displays' back-off is "
                f"1 s doubling, jittered); server CPU from ready until all back "
                f"{cpu:.1f} s; RSS {rss:.0f} MB"
            )
    finally:
        await displays.stop()
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rooms", type=int, default=4)
    parser.add_argument("--bookings", type=int, default=16, help="per room, today")
    parser.add_argument("--displays", type=int, default=1000)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", help="py-spy (raw) of the RoomDay rounds")
    parser.add_argument("--server-log")
    parser.add_argument("--hello-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--displays-worker", action="store_true", help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.hello_server:
        hello_server(args.hello_server)
    elif args.load:
        asyncio.run(aiohttp_load(json.loads(sys.stdin.read())))
    elif args.displays_worker:
        asyncio.run(display_worker())
    else:
        asyncio.run(main(args))
