"""Which cross-process pub/sub backends the tests can reach.

Redis: ``TRANSOM_TEST_REDIS_URL`` (set in CI), else ``redis://127.0.0.1:6379/0``
when something answers there. PostgreSQL: ``TRANSOM_TEST_DATABASE_URL``. A
backend named by its variable must be reachable; one merely absent locally skips.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

REDIS_ENV = "TRANSOM_TEST_REDIS_URL"
PG_ENV = "TRANSOM_TEST_DATABASE_URL"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
BACKENDS = ["redis", "postgresql"]


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    default_port = 6379 if parts.scheme == "redis" else 5432
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def pubsub_url(backend: str) -> str:
    """The TRANSOM_PUBSUB_URL to test ``backend`` with, or skip."""
    if backend == "redis":
        url = os.environ.get(REDIS_ENV)
        if url:
            assert reachable(url), f"{REDIS_ENV}={url} but nothing answers there"
            return url
        if reachable(LOCAL_REDIS):
            return LOCAL_REDIS
        pytest.skip(f"Redis: set {REDIS_ENV} or run Redis on 127.0.0.1:6379")
    database = os.environ.get(PG_ENV)
    if not database:
        pytest.skip(f"PostgreSQL: set {PG_ENV} to test LISTEN/NOTIFY")
    url = database.replace("postgresql+asyncpg://", "postgresql://", 1)
    assert reachable(url), f"{PG_ENV}={database} but nothing answers there"
    return url
