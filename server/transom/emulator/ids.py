"""Identifiers shaped like the ones Microsoft issues.

All draw from a caller's ``random.Random`` so a seeded emulator is deterministic.
Outlook item ids are opaque base64 text with ``=`` padding (case-sensitive, and
they need percent-encoding in paths); occurrence ids encode their master id and
original start so they can be decoded back.
"""

from __future__ import annotations

import base64
import random
import uuid


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def event_id(rng: random.Random) -> str:
    raw = b"\x00\x00\x00\x00" + rng.randbytes(40)
    return "AAMkA" + base64.b64encode(raw).decode().replace("/", "-").replace("+", "_")


def change_key(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(24)).decode()


def ical_uid(rng: random.Random) -> str:
    return "040000008200E00074C5B7101A82E00800000000" + rng.randbytes(28).hex().upper()


def secret_value(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-"
    prefix = "".join(rng.choice(alphabet) for _ in range(3))
    return prefix + "8Q~" + "".join(rng.choice(alphabet) for _ in range(34))


_OCCURRENCE = "AAMkOcc"


def occurrence_id(master_id: str, original_start: str) -> str:
    """Id of one occurrence of ``master_id`` starting (UTC ISO) at ``original_start``."""
    raw = f"{master_id}|{original_start}".encode()
    return _OCCURRENCE + base64.urlsafe_b64encode(raw).decode()


def parse_occurrence_id(item_id: str) -> tuple[str, str] | None:
    """``(master_id, original_start)`` for an occurrence id, else None."""
    if not item_id.startswith(_OCCURRENCE):
        return None
    try:
        raw = base64.urlsafe_b64decode(item_id[len(_OCCURRENCE) :]).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    master, _, start = raw.partition("|")
    return (master, start) if start else None
