"""Real servers for tests: any ASGI app on a free loopback port, in a thread.

Learned from httpx's test server: uvicorn runs in a thread, the test waits for
``started`` and tears it down with ``should_exit``. A server that has not ended
10 s later fails the test with its thread's stack: left running, it would go
unnoticed (the thread is a daemon) while it holds its connections.
"""

from __future__ import annotations

import asyncio
import io
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ThreadedServer(uvicorn.Server):
    loop: asyncio.AbstractEventLoop | None = None

    def install_signal_handlers(self) -> None:
        """Signals belong to the test runner's main thread."""

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()  # for _where's list of tasks
        await super().serve(sockets=sockets)


@contextmanager
def serve_in_thread(app: Any, port: int | None = None) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 and yield its base URL (no trailing slash)."""
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        ws="websockets-sansio",
    )
    server = ThreadedServer(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("test server failed to start")
        if time.monotonic() > deadline:
            raise TimeoutError("test server did not start within 20 s")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if thread.is_alive():
            raise RuntimeError(
                f"test server did not stop within 10 s:\n{_where(server, thread)}"
            )


def _where(server: ThreadedServer, thread: threading.Thread) -> str:
    """The thread's stack, the requests and every task still running (a diagnosis)."""
    state = server.server_state
    lines = [f"{len(state.connections)} connection(s), {len(state.tasks)} task(s)\n"]
    frame = sys._current_frames().get(thread.ident or 0)
    lines += traceback.format_stack(frame) if frame else ["(no stack)"]
    for task in _tasks(server.loop):  # the requests' tasks among them
        stack = io.StringIO()
        task.print_stack(file=stack)
        lines.append(
            f"task {task.get_name()} ({task.get_coro()!r}):\n{stack.getvalue()}"
        )
    return "".join(lines)


def _tasks(loop: asyncio.AbstractEventLoop | None) -> list[asyncio.Task[Any]]:
    """The loop's unfinished tasks, read from another thread (retried when the
    set changes meanwhile)."""
    for _ in range(10):
        try:
            return [t for t in asyncio.all_tasks(loop) if not t.done()] if loop else []
        except RuntimeError:
            time.sleep(0.01)
    return []
