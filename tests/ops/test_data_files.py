"""Data files are private; the database pool is sized by the operator."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from transom.db.engine import create_engine
from transom.db.migrate import upgrade_to_head
from transom.settings import Settings, SettingsError

pytestmark = pytest.mark.anyio


async def test_the_database_and_secret_key_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    # given a permissive umask, as many service accounts have
    previous = os.umask(0o022)
    try:
        settings = Settings.from_env({"TRANSOM_DATA_DIR": str(tmp_path / "data")})
        engine = create_engine(settings.database_url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()
    finally:
        os.umask(previous)
    # then
    files = sorted(p.name for p in settings.data_dir.iterdir())
    assert "transom.db" in files
    assert "secret.key" in files
    for name in files:
        mode = (settings.data_dir / name).stat().st_mode & 0o777
        assert mode == 0o600, f"{name} is {oct(mode)}"
    assert settings.data_dir.stat().st_mode & 0o777 == 0o700


def test_pool_size_and_overflow_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "TRANSOM_DATA_DIR": str(tmp_path),
            "TRANSOM_DB_POOL_SIZE": "3",
            "TRANSOM_DB_MAX_OVERFLOW": "0",
        }
    )
    engine = create_engine(
        "postgresql+asyncpg://transom@127.0.0.1/transom",
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    assert engine.pool.status().startswith("Pool size: 3 ")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRANSOM_DB_POOL_SIZE", "0"),
        ("TRANSOM_DB_MAX_OVERFLOW", "many"),
        ("TRANSOM_LOG_LEVEL", "chatty"),
        ("TRANSOM_LOG_FORMAT", "xml"),
        ("TRANSOM_METRICS_TOKEN", "short"),
        ("TRANSOM_GRAPHIQL", "maybe"),
    ],
)
def test_a_bad_operations_setting_names_the_variable(
    tmp_path: Path, name: str, value: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"TRANSOM_DATA_DIR": str(tmp_path), name: value})
    assert name in str(caught.value)
