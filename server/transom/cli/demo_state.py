"""What a demo keeps between its restarts on the same data: the superadmin's
password, the admin token and the emulator's port.

Only hashes of passwords and tokens are in the database, so the banner could
show them only by making new ones, which signed everybody out at each restart
and moved the emulator to another port when its old one was taken for a moment.
``TRANSOM_DATA_DIR/demo.json`` (0600, beside the demo's database and secret key)
remembers them; the database stays the judge of whether they are still valid.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

FILE_NAME = "demo.json"


@dataclass(frozen=True)
class DemoState:
    admin_password: str | None = None
    token: str | None = None
    graph_port: int | None = None


def load_demo_state(data_dir: Path) -> DemoState:
    """The state a previous demo left, or an empty one (missing or unreadable)."""
    try:
        raw = json.loads((data_dir / FILE_NAME).read_text())
    except (OSError, ValueError):
        return DemoState()
    if not isinstance(raw, dict):
        return DemoState()
    password, token, port = (
        raw.get(k) for k in ("admin_password", "token", "graph_port")
    )
    return DemoState(
        admin_password=password if isinstance(password, str) else None,
        token=token if isinstance(token, str) else None,
        graph_port=port if isinstance(port, int) and 0 < port < 65536 else None,
    )


def save_demo_state(data_dir: Path, state: DemoState) -> None:
    """Write the state readable by its owner only, replacing the old file whole."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = data_dir / f".{FILE_NAME}.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(asdict(state), out)
    os.replace(temporary, data_dir / FILE_NAME)
