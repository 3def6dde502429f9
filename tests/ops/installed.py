"""Transom as an operator installs it: a wheel built from this checkout,
installed into a fresh virtual environment outside it, run from another folder
with no ``TRANSOM_*`` variable but those a test sets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers import free_port

REPO = Path(__file__).parents[2]
INSTALL_TIMEOUT = 600
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class InstalledTransom:
    venv: Path

    @property
    def transom(self) -> str:
        return str(self.venv / "bin" / "transom")

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def run(
        self, *args: str, cwd: Path, env: Mapping[str, str], stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.transom, *args],
            cwd=cwd,
            env=dict(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    @contextmanager
    def serve(
        self, cwd: Path, env: Mapping[str, str], log: Path, port: int | None = None
    ) -> Iterator[str]:
        """``transom serve`` on a free loopback port until /readyz answers;
        its stderr and stdout go to ``log``."""
        port = port or free_port()
        with log.open("w") as out:
            process = subprocess.Popen(
                [self.transom, "serve", "--port", str(port)],
                cwd=cwd,
                env=dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(base, process, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    @contextmanager
    def emulator(self, url: str, cwd: Path, trusted_cert: Path) -> Iterator[None]:
        """``transom emulator --seed demo`` at ``url``, delivering notifications
        over https to hosts with ``trusted_cert`` (SSL_CERT_FILE)."""
        port = url.rsplit(":", 1)[1]
        env = clean_env(SSL_CERT_FILE=str(trusted_cert))
        with (cwd / "emulator.log").open("w") as out:
            process = subprocess.Popen(
                [self.transom, "emulator", "--port", port, "--seed", "demo"],
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_up(f"{url}/_emulator/tenants", process, cwd / "emulator.log")
            yield
        finally:
            process.terminate()
            process.wait(timeout=15)


def wait_until_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    wait_until_up(f"{base}/readyz", process, log)


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``url`` answers 200 (or the process exits: its log in the error)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer:\n{log.read_text()}")


def clean_env(**variables: str) -> dict[str, str]:
    """The environment without any ``TRANSOM_*`` variable, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSOM_")}
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    return {**env, **variables}


def build_and_install(workdir: Path) -> InstalledTransom:
    """Build the wheel from this checkout and install it into a new venv."""
    dist = workdir / "dist"
    pip = [sys.executable, "-m", "pip"]
    built = subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
        check=False,
        timeout=INSTALL_TIMEOUT,
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        raise RuntimeError(f"building the wheel failed:\n{built.stderr[-3000:]}")
    wheel = next(dist.glob("transom-*.whl"))
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--no-compile", str(wheel)],
        check=True,
        timeout=INSTALL_TIMEOUT,
        capture_output=True,
    )
    return InstalledTransom(venv)
