"""`pip install` of the built wheel works from any folder, with no checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.ops.installed import REPO, InstalledTransom, clean_env

# Building and installing the wheel takes a minute or two on a busy machine.
pytestmark = pytest.mark.timeout(900)

SIGNAGE_OPERATIONS = REPO / "schema" / "operations" / "signage"
ALLOW_LIST = (
    "from transom.api.transport.persisted import SIGNAGE_OPERATIONS, allowed_hashes; "
    "from transom.settings import Settings; "
    "print(len(allowed_hashes(Settings.from_env().assets_dir / SIGNAGE_OPERATIONS)))"
)


def test_an_installed_wheel_serves_the_admin_ui_and_displays_from_another_folder(
    installed: InstalledTransom, tmp_path: Path
) -> None:
    # given
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(TRANSOM_DATA_DIR=str(tmp_path / "data"))
    # when
    migrated = installed.run("migrate", cwd=elsewhere, env=env)
    with installed.serve(elsewhere, env, tmp_path / "serve.log") as base:
        sign_in = httpx.get(f"{base}/admin/sign-in")
        display = httpx.get(f"{base}/display")
        script = httpx.get(f"{base}/display/static/display.js")
        room_day = httpx.get(f"{base}/display/operations/RoomDay.graphql")
        ready = httpx.get(f"{base}/readyz")
    # then
    assert migrated.stdout.strip() == "migrations applied", migrated.stderr
    assert sign_in.status_code == 200
    assert "<form" in sign_in.text
    assert display.status_code == 200
    assert script.status_code == 200
    assert room_day.text == (SIGNAGE_OPERATIONS / "RoomDay.graphql").read_text()
    assert ready.json()["migrations"] == "current"


def test_an_installed_wheel_allows_every_persisted_display_operation(
    installed: InstalledTransom, tmp_path: Path
) -> None:
    env = clean_env(TRANSOM_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run(
        [installed.python, "-c", ALLOW_LIST],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert int(done.stdout) == len(list(SIGNAGE_OPERATIONS.glob("*.graphql")))


def test_an_installed_wheel_carries_graphiql(
    installed: InstalledTransom, tmp_path: Path
) -> None:
    env = clean_env(TRANSOM_DATA_DIR=str(tmp_path / "data"), TRANSOM_GRAPHIQL="true")
    html = {"Accept": "text/html"}
    installed.run("migrate", cwd=tmp_path, env=env)
    with installed.serve(tmp_path, env, tmp_path / "serve.log") as base:
        page = httpx.get(f"{base}/graphql", headers=html)
        files = [
            httpx.get(f"{base}/graphiql/static/{name}").status_code
            for name in ("transom-graphiql.js", "vendor/graphiql.min.js")
        ]
        ready = httpx.get(f"{base}/readyz")
    assert page.status_code == 200
    assert "transom-graphiql.js" in page.text
    assert files == [200, 200]
    assert ready.status_code == 200, ready.text
