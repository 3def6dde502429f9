"""docs/production.md gives what the tests run: its environment files mean the
same to systemd and to the shell and are valid settings, and its emulator trial
uses the values tests/ops/test_behind_nginx.py runs."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.ops import test_behind_nginx as behind_nginx
from tests.ops.installed import REPO
from transom.settings import Settings

GUIDE = REPO / "docs" / "production.md"
ASSIGNMENT = re.compile(r"^(TRANSOM_[A-Z0-9_]*)=(.*)$")


def env_files() -> list[list[str]]:
    """The guide's ``sh`` blocks made only of comments and assignments."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    found = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(
            line.startswith("#") or ASSIGNMENT.match(line) for line in lines
        ):
            found.append(lines)
    return found


def as_systemd_reads(lines: list[str]) -> dict[str, str]:
    """``EnvironmentFile=``: comment lines skipped, the rest of a line is the
    value (a ``#`` after it does not start a comment)."""
    values = {}
    for line in lines:
        match = ASSIGNMENT.match(line)
        if match and not line.startswith("#"):
            values[match.group(1)] = match.group(2).strip()
    return values


def as_the_shell_reads(lines: list[str], tmp_path: Path) -> dict[str, str]:
    env_file = tmp_path / "transom.env"
    env_file.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        ["sh", "-c", f'set -a && . "{env_file}" && env -0'],
        env={"PATH": os.defpath},
        capture_output=True,
        text=True,
        check=True,
    )
    pairs = (item.split("=", 1) for item in done.stdout.split("\0") if "=" in item)
    return {k: v for k, v in pairs if k.startswith("TRANSOM_")}


def test_the_guide_has_its_two_environment_files() -> None:
    files = env_files()
    assert len(files) == 2  # production (section 9) and the trial (section 16)


def test_each_environment_file_means_the_same_to_systemd_and_the_shell(
    tmp_path: Path,
) -> None:
    for lines in env_files():
        assert as_systemd_reads(lines) == as_the_shell_reads(lines, tmp_path)


def test_the_production_environment_is_valid_with_the_trial_added(
    tmp_path: Path,
) -> None:
    production, trial = (as_systemd_reads(lines) for lines in env_files())
    env = {**production, **trial, "TRANSOM_DATA_DIR": str(tmp_path / "data")}
    settings = Settings.from_env(env)
    assert settings.public_url == "https://localhost"
    assert settings.metrics_token is None  # empty until the operator sets one


def test_the_trial_uses_what_the_nginx_test_runs() -> None:
    guide = GUIDE.read_text()
    _, trial = (as_systemd_reads(lines) for lines in env_files())
    for value in (behind_nginx.DIRECTORY, behind_nginx.CLIENT, behind_nginx.SECRET):
        assert value in guide
    assert set(trial) == {
        "TRANSOM_GRAPH_URL",
        "TRANSOM_AUTHORITY_URL",
        "TRANSOM_PUBLIC_URL",
    }
    # the test's: TRANSOM_GRAPH_URL=f"{graph}/v1.0", TRANSOM_AUTHORITY_URL=graph
    assert trial["TRANSOM_GRAPH_URL"] == trial["TRANSOM_AUTHORITY_URL"] + "/v1.0"
    assert "SSL_CERT_FILE=" in guide
    assert "/opt/transom/bin/transom emulator --port 8001 --seed demo" in guide
    assert "cp docs/nginx-transom.conf /etc/nginx/conf.d/transom.conf" in guide
