"""`transom demo` restarted on the same data keeps its password, token and emulator.

A restart used to print a new admin password (signing everybody out), a new
token, and could move the emulator to another port.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port
from tests.web.admins import graphql, signed_in_client

BANNER_SECONDS = 240.0
PASSWORD = re.compile(r"sign in as (\S+) / (\S+)\)")
TOKEN = re.compile(r"Admin token: (\S+)")
EMULATOR = re.compile(r"Graph emulator: (http://\S+)")


class Demo:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.log = data_dir.parent / f"demo-{time.monotonic_ns()}.log"
        env = {**os.environ, "TRANSOM_DATA_DIR": str(data_dir)}
        env.pop("TRANSOM_DATABASE_URL", None)
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "transom", "demo", "--port", str(port)],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        self.banner = self._wait_for_banner()

    def _wait_for_banner(self) -> str:
        deadline = time.monotonic() + BANNER_SECONDS
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")
            if "Stop with Ctrl+C" in text:
                return text
            if self.process.poll() is not None:
                raise RuntimeError(f"transom demo exited: {text[-3000:]}")
            time.sleep(0.2)
        raise TimeoutError(self.log.read_text(errors="replace")[-3000:])

    def found(self, pattern: re.Pattern[str]) -> tuple[str, ...]:
        match = pattern.search(self.banner)
        assert match, self.banner
        return match.groups()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.mark.timeout(600)
def test_a_restarted_demo_keeps_password_token_and_emulator(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    first = Demo(data_dir, port)
    try:
        email, password = first.found(PASSWORD)
        (token,) = first.found(TOKEN)
        (emulator,) = first.found(EMULATOR)
        admin, csrf = signed_in_client(f"http://127.0.0.1:{port}", email, password)
        assert "errors" not in graphql(admin, "{ viewer { role } }", csrf=csrf)
    finally:
        first.stop()
    assert (data_dir / "demo.json").stat().st_mode & 0o077 == 0

    second = Demo(data_dir, port)
    try:
        assert second.found(PASSWORD) == (email, password)
        assert second.found(TOKEN) == (token,)
        assert second.found(EMULATOR) == (emulator,)
        # the admin signed in before the restart is still signed in
        viewer = graphql(admin, "{ viewer { role } }", csrf=csrf)
        assert "errors" not in viewer, viewer
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ viewer { role } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.json()["data"]["viewer"]["role"] == "ADMIN", answer.text
    finally:
        second.stop()
        admin.close()
