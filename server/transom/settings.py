"""The one typed Settings object, read from ``TRANSOM_*`` environment variables.

Defaults need no configuration: a SQLite file and a generated secret key live in
``TRANSOM_DATA_DIR``. A bad value raises :class:`SettingsError` whose message is one
line naming the variable, the value and what would be accepted.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import make_url

__all__ = ["Secret", "Settings", "SettingsError"]

_DB_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
_PUBSUB_SCHEMES = ("memory", "redis", "postgresql")
_LOG_LEVELS = ("debug", "info", "warning", "error")
# scheme -> (driver module, the extra that installs it)
_DRIVERS = {
    "postgresql+asyncpg": ("asyncpg", "postgres"),
    "postgresql": ("asyncpg", "postgres"),
    "redis": ("redis", "redis"),
}
# Where web/, signage/ and schema/operations/ live: a built wheel carries them
# in transom/assets/ (setup.py copies them there); in the source checkout
# (server/transom/settings.py -> the repository root, which `pip install -e .`
# keeps in place) they are at the top level.
_PACKAGED_ASSETS = Path(__file__).resolve().parent / "assets"
CHECKOUT = Path(__file__).resolve().parents[2]


def default_assets_dir() -> Path:
    """The packaged assets when installed from a wheel, else the checkout."""
    return _PACKAGED_ASSETS if (_PACKAGED_ASSETS / "web").is_dir() else CHECKOUT


class SettingsError(ValueError):
    """A ``TRANSOM_*`` variable has a value Transom cannot use."""


class Secret:
    """A string whose ``repr`` never shows its value."""

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return self._value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything Transom reads from its environment.

    >>> Settings.from_env({"TRANSOM_DATA_DIR": "/tmp/t"}).database_url
    'sqlite+aiosqlite:////tmp/t/transom.db'
    """

    data_dir: Path
    database_url: str
    secret_key: Secret
    public_url: str | None = None
    graph_url: str = "https://graph.microsoft.com/v1.0"
    authority_url: str = "https://login.microsoftonline.com"
    bootstrap_token: Secret | None = None
    pubsub_url: str = "memory://"
    poll_interval_seconds: float = 60.0
    reconcile_interval_seconds: float = 3600.0
    live_recheck_seconds: float = 60.0
    access_recheck_seconds: float = 30.0
    sync_window_past_days: int = 1
    sync_window_future_days: int = 56
    run_sync: bool = True
    assets_dir: Path = field(default_factory=default_assets_dir)
    cors_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    log_format: str = "text"
    metrics_token: Secret | None = None
    graphiql: bool = False
    db_pool_size: int = 10
    db_max_overflow: int = 20
    audit_retention_days: int = 365
    pubsub_namespace: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("TRANSOM_DATA_DIR") or "./transom-data").absolute()
        database_url = env.get("TRANSOM_DATABASE_URL") or (
            f"sqlite+aiosqlite:///{data_dir / 'transom.db'}"
        )
        _check_scheme("TRANSOM_DATABASE_URL", database_url, _DB_SCHEMES)
        _check_driver("TRANSOM_DATABASE_URL", database_url)
        pubsub_url = env.get("TRANSOM_PUBSUB_URL") or "memory://"
        _check_scheme("TRANSOM_PUBSUB_URL", pubsub_url, _PUBSUB_SCHEMES)
        _check_driver("TRANSOM_PUBSUB_URL", pubsub_url)
        secret_key = env.get("TRANSOM_SECRET_KEY") or _stored_secret_key(data_dir)
        _check_secret_key(secret_key)
        bootstrap = env.get("TRANSOM_BOOTSTRAP_TOKEN") or None
        if bootstrap is not None and len(bootstrap) < 16:
            raise SettingsError(
                "TRANSOM_BOOTSTRAP_TOKEN is too short: use at least 16 characters"
            )
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=Secret(secret_key),
            public_url=_optional_url(env, "TRANSOM_PUBLIC_URL"),
            graph_url=_url(env, "TRANSOM_GRAPH_URL", cls.graph_url),
            authority_url=_url(env, "TRANSOM_AUTHORITY_URL", cls.authority_url),
            bootstrap_token=Secret(bootstrap) if bootstrap else None,
            pubsub_url=pubsub_url,
            pubsub_namespace=_namespace(env, database_url),
            poll_interval_seconds=_positive_float(env, "TRANSOM_POLL_INTERVAL", 60.0),
            reconcile_interval_seconds=_positive_float(
                env, "TRANSOM_RECONCILE_INTERVAL", 3600.0
            ),
            live_recheck_seconds=_positive_float(
                env, "TRANSOM_LIVE_RECHECK_INTERVAL", 60.0
            ),
            access_recheck_seconds=_positive_float(
                env, "TRANSOM_ACCESS_RECHECK_INTERVAL", 30.0
            ),
            sync_window_past_days=_int(env, "TRANSOM_SYNC_PAST_DAYS", 1, 0, 365),
            sync_window_future_days=_int(env, "TRANSOM_SYNC_FUTURE_DAYS", 56, 1, 730),
            run_sync=_bool(env, "TRANSOM_RUN_SYNC", default=True),
            assets_dir=_assets_dir(env),
            cors_origins=_origins(env, "TRANSOM_CORS_ORIGINS"),
            log_level=_choice(env, "TRANSOM_LOG_LEVEL", _LOG_LEVELS, "INFO").upper(),
            log_format=_choice(env, "TRANSOM_LOG_FORMAT", ("text", "json"), "text"),
            metrics_token=_optional_token(env, "TRANSOM_METRICS_TOKEN"),
            graphiql=_bool(env, "TRANSOM_GRAPHIQL", default=False),
            db_pool_size=_int(env, "TRANSOM_DB_POOL_SIZE", 10, 1, 1000),
            db_max_overflow=_int(env, "TRANSOM_DB_MAX_OVERFLOW", 20, 0, 1000),
            audit_retention_days=_int(
                env, "TRANSOM_AUDIT_RETENTION_DAYS", 365, 1, 36_500
            ),
        )


def _check_scheme(name: str, value: str, allowed: tuple[str, ...]) -> None:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in allowed:
        raise SettingsError(
            f"{name} has value {value!r}: the scheme must be one of "
            f"{', '.join(s + '://' for s in allowed)}"
        )


def _choice(
    env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str
) -> str:
    raw = env.get(name)
    if not raw:
        return default
    if raw.strip().lower() not in allowed:
        raise SettingsError(
            f"{name} has value {raw!r}: expected {' or '.join(allowed)}"
        )
    return raw.strip().lower()


def _optional_token(env: Mapping[str, str], name: str) -> Secret | None:
    raw = env.get(name)
    if not raw:
        return None
    if len(raw) < 16:
        raise SettingsError(f"{name} is too short: use at least 16 characters")
    return Secret(raw)


def _check_driver(name: str, value: str) -> None:
    """A URL whose driver is not installed names the extra that installs it."""
    driver = _DRIVERS.get(value.split("://", 1)[0])
    if driver is not None and importlib.util.find_spec(driver[0]) is None:
        module, extra = driver
        raise SettingsError(
            f"{name} needs the {module} driver, which is not installed: "
            f"pip install 'transom[{extra}]'"
        )


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name) or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} has value {value!r}: expected an http(s):// URL")
    return value.rstrip("/")


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated browser origins such as ``https://app.example.com``."""
    origins = []
    for raw in (env.get(name) or "").split(","):
        origin = raw.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise SettingsError(
                f"{name} has value {raw.strip()!r}: expected origins such as "
                "https://app.example.com, separated by commas"
            )
        origins.append(origin)
    return tuple(origins)


def _optional_url(env: Mapping[str, str], name: str) -> str | None:
    return _url(env, name, "") if env.get(name) else None


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} has value {raw!r}: not a number") from None
    if value <= 0:
        raise SettingsError(f"{name} has value {raw!r}: must be greater than 0")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} has value {raw!r}: not a whole number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} has value {raw!r}: must be {low}..{high}")
    return value


def _bool(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if not raw:
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} has value {raw!r}: expected true or false")


def _assets_dir(env: Mapping[str, str]) -> Path:
    raw = env.get("TRANSOM_ASSETS_DIR")
    if not raw:
        return default_assets_dir()
    path = Path(raw).absolute()
    if not (path / "web").is_dir():
        raise SettingsError(
            f"TRANSOM_ASSETS_DIR has value {raw!r}: expected a folder holding "
            "web/, signage/ and schema/operations/ (a copy of the repository's)"
        )
    return path


def _check_secret_key(value: str) -> None:
    if len(value) < 32:
        raise SettingsError(
            "TRANSOM_SECRET_KEY is too short: use at least 32 characters "
            "(or unset it to generate one in TRANSOM_DATA_DIR)"
        )


def _stored_secret_key(data_dir: Path) -> str:
    """Read the generated key from the data dir, creating it once."""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    except OSError as exc:
        raise SettingsError(
            f"TRANSOM_DATA_DIR has value {str(data_dir)!r}: cannot write "
            f"the secret key there ({exc.strerror})"
        ) from exc
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _namespace(env: Mapping[str, str], database_url: str) -> str:
    """``TRANSOM_PUBSUB_NAMESPACE``, or one derived from the database (its host,
    port and name, never its password): the processes of one deployment share
    a database, so they share the namespace, and another deployment on the
    same Redis or PostgreSQL server gets another one."""
    given = env.get("TRANSOM_PUBSUB_NAMESPACE")
    if given:
        if not re.fullmatch(r"[A-Za-z0-9_]{1,40}", given):
            raise SettingsError(
                f"TRANSOM_PUBSUB_NAMESPACE has value {given!r}: use 1 to 40 "
                "letters, digits or underscores"
            )
        return given
    url = make_url(database_url)
    where = f"{url.get_backend_name()}|{url.host}|{url.port}|{url.database}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]
