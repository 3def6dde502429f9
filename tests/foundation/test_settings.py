from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from transom.settings import Settings, SettingsError


def test_defaults_need_no_configuration(tmp_path: Path) -> None:
    settings = Settings.from_env({"TRANSOM_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/transom.db"
    assert settings.graph_url == "https://graph.microsoft.com/v1.0"
    assert settings.authority_url == "https://login.microsoftonline.com"
    assert settings.bootstrap_token is None


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings.from_env({"TRANSOM_DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"TRANSOM_DATA_DIR": str(tmp_path)})
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert "secret" not in repr(first.secret_key).lower().replace("secret(", "")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRANSOM_DATABASE_URL", "mysql://localhost/x"),
        ("TRANSOM_GRAPH_URL", "not a url"),
        ("TRANSOM_AUTHORITY_URL", "ftp://login"),
        ("TRANSOM_PUBLIC_URL", "localhost:8000"),
        ("TRANSOM_SECRET_KEY", "short"),
        ("TRANSOM_BOOTSTRAP_TOKEN", "tiny"),
        ("TRANSOM_POLL_INTERVAL", "-5"),
    ],
)
def test_a_bad_value_names_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"TRANSOM_DATA_DIR": str(tmp_path), name: value})
    message = str(caught.value)
    assert name in message
    assert "\n" not in message


def test_the_cli_stops_with_one_clear_line(tmp_path: Path) -> None:
    env = {"TRANSOM_DATA_DIR": str(tmp_path), "TRANSOM_DATABASE_URL": "mysql://x/y"}
    done = subprocess.run(
        [sys.executable, "-m", "transom", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TRANSOM_DATABASE_URL" in lines[0]


@pytest.mark.parametrize(
    ("name", "url", "driver", "extra"),
    [
        ("TRANSOM_DATABASE_URL", "postgresql+asyncpg://u@h/db", "asyncpg", "postgres"),
        ("TRANSOM_PUBSUB_URL", "postgresql://u@h/db", "asyncpg", "postgres"),
        ("TRANSOM_PUBSUB_URL", "redis://127.0.0.1:6379/0", "redis", "redis"),
    ],
)
def test_a_url_without_its_driver_names_the_extra_in_one_line(
    tmp_path: Path, name: str, url: str, driver: str, extra: str
) -> None:
    # The driver is made unimportable the way an install without the extra is.
    script = (
        f"import sys; sys.modules[{driver!r}] = None; "
        "from transom.cli import main; main(['migrate'])"
    )
    env = {"TRANSOM_DATA_DIR": str(tmp_path), name: url}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert name in lines[0]
    assert f"pip install 'transom[{extra}]'" in lines[0]
