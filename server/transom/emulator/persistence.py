"""Saving and loading the whole emulator state as one JSON file.

The file holds the seed name, the signing key (so issued tokens survive a
restart) and every tenant. Writes go to a temporary file renamed over the old
one, so a crash never leaves half a file. The app saves when the state is dirty
(debounced, about once a second) and at shutdown.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .keys import SigningKey
from .model import tenant_from_json, to_json
from .store import Emulator

FORMAT_VERSION = 1


def save_state(emulator: Emulator, path: Path) -> None:
    data = {
        "version": FORMAT_VERSION,
        "seed": emulator.seed,
        "signingKey": emulator.signing_key.pem(),
        "tenants": {tid: to_json(t) for tid, t in emulator.tenants.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)
    emulator.dirty = False


def load_state(emulator: Emulator, path: Path) -> bool:
    """Load ``path`` into ``emulator``; False when there is no such file."""
    if not path.exists():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{path}: unsupported emulator state version {data.get('version')!r}"
        )
    emulator.seed = data.get("seed", "empty")
    emulator.signing_key = SigningKey.from_pem(data["signingKey"])
    emulator.tenants = {tid: tenant_from_json(t) for tid, t in data["tenants"].items()}
    emulator.dirty = False
    return True
