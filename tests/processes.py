"""Real `transom serve` subprocesses, for tests that restart, kill or multiply them.

``transom_serve(env, data_dir)`` starts one (``env`` on top of this process's
environment; sync off unless ``env`` says ``TRANSOM_RUN_SYNC``) and yields a
:class:`TransomProcess` once ``/readyz`` answers; it is stopped (SIGTERM, then
SIGKILL) when the block ends, whatever the test did to it meanwhile.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers import free_port

READY_SECONDS = 30.0


@dataclass
class TransomProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(
        cls, env: dict[str, str], data_dir: Path, *, port: int | None = None
    ) -> TransomProcess:
        """Start ``transom serve`` without waiting for it."""
        port = port or free_port()
        full_env = {
            **os.environ,
            "TRANSOM_RUN_SYNC": "false",
            **env,
            "TRANSOM_DATA_DIR": str(data_dir),
        }
        # Logs go to a file: a pipe nobody reads fills up and then blocks the
        # server's event loop on its next log line.
        data_dir.mkdir(parents=True, exist_ok=True)
        log = data_dir / f"stderr-{port}.log"
        with log.open("ab") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "transom", "serve", "--port", str(port)],
                env=full_env,
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        return cls(f"http://127.0.0.1:{port}", process, log)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"transom serve exited: {self.stderr()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"transom serve at {self.url} was not ready within 30 s")

    def stderr(self) -> str:
        """What the process wrote to stderr."""
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9: no shutdown, no cleanup, as a crash or a lost machine."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@contextmanager
def transom_serve(
    env: dict[str, str], data_dir: Path, *, port: int | None = None
) -> Iterator[TransomProcess]:
    server = TransomProcess.start(env, data_dir, port=port)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
