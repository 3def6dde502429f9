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

    def kill(self) -> None:
        """kill -9: no shutdown, no cleanup, as a crash or a lost machine."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def transom_serve(
    env: dict[str, str], data_dir: Path, *, port: int | None = None
) -> Iterator[TransomProcess]:
    port = port or free_port()
    full_env = {
        **os.environ,
        "TRANSOM_RUN_SYNC": "false",
        **env,
        "TRANSOM_DATA_DIR": str(data_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "transom", "serve", "--port", str(port)],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield TransomProcess(base, process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process.stderr:
            process.stderr.close()


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"transom serve exited: {error[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"transom serve at {base} was not ready within 30 s")
