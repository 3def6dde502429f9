"""The audit log's rules: who acted, what an entry holds, what is never kept.

An entry records one change: an admin's or API token's successful mutation
(recorded at the mutation layer, ``transom.api.audit.recorder``) or a change
Transom made in Exchange by itself (the outbox, ``transom.sync.outbox.settle``):

- **actor**: :class:`ActorKind` and a label (the admin's e-mail, the token's
  name, or :data:`AUTOMATIC_ACTOR`);
- **action**: the mutation's GraphQL field name (``linkRoomMailbox``) or one of
  the automatic actions (:class:`AutomaticAction`);
- **target**: the object's type, id and name (a room, display, tenant...);
- **changes**: the changed fields' old and new values, or the arguments when
  the mutation did not say what it changed.

Secrets never reach an entry: :func:`redacted` replaces any value whose key
names a secret (client secret, password, token, certificate, key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum, StrEnum
from typing import Any

from transom.domain.booking_requests import CancelAction
from transom.domain.outbox import OutboxKind

AUTOMATIC_ACTOR = "Transom (automatic)"
REDACTED = "[redacted]"
DEFAULT_RETENTION_DAYS = 365

_SECRET_KEY = re.compile(
    r"secret|password|passwd|token|certificate|credential|private_?key|"
    r"api_?key|csrf|assertion|code_?verifier",
    re.IGNORECASE,
)


class ActorKind(StrEnum):
    ADMIN = "ADMIN"
    TOKEN = "TOKEN"
    AUTOMATIC = "AUTOMATIC"


class AutomaticAction(StrEnum):
    """What Transom changed in Exchange by itself (the stored action name)."""

    NO_SHOW_RELEASE = "noShowRelease"
    CANCEL_IN_EXCHANGE = "cancelInExchange"
    DECLINE_IN_EXCHANGE = "declineInExchange"
    WITHDRAW_CONFLICT = "withdrawConflictingEvent"


@dataclass(frozen=True)
class AuditTarget:
    """What an entry is about."""

    type: str
    id: str | None
    name: str | None = None


@dataclass
class AuditNote:
    """What a mutation says about its change, beyond its arguments: the target,
    its tenant and the changed fields before and after."""

    tenant_id: str | None = None
    target: AuditTarget | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def redacted(value: Any, key: str = "") -> Any:
    """``value`` as JSON-ready data, every secret-named key's value replaced."""
    if key and is_secret_key(key) and value not in (None, ""):
        return REDACTED
    if isinstance(value, Mapping):
        return {str(k): redacted(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redacted(v) for v in value]
    if isinstance(value, Enum):
        return value.value if isinstance(value.value, (str, int)) else value.name
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value differs, each side redacted."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    keys += [k for k in before if k not in after and before[k] is not None]
    old = {k: before.get(k) for k in keys}
    new = {k: after.get(k) for k in keys}
    return redacted(old), redacted(new)


def camel_keys(values: Mapping[str, Any]) -> dict[str, Any]:
    """``{"mailbox_email": ...}`` as ``{"mailboxEmail": ...}`` (the API's names)."""
    return {_camel(key): value for key, value in values.items()}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def exchange_action(
    kind: str, payload: Mapping[str, Any], result: Mapping[str, Any]
) -> AutomaticAction | None:
    """What a finished outbox write changed in Exchange by Transom's own doing,
    or None (nothing changed, or a write an admin's mutation already records
    only as its request: creates)."""
    if kind == OutboxKind.RELEASE_BOOKING.value and result.get("released"):
        return AutomaticAction.NO_SHOW_RELEASE
    if kind == OutboxKind.CANCEL_BOOKING.value and result.get("removed"):
        if payload.get("action") == CancelAction.DECLINE_ROOM_EVENT.value:
            return AutomaticAction.DECLINE_IN_EXCHANGE
        return AutomaticAction.CANCEL_IN_EXCHANGE
    if (
        kind == OutboxKind.CREATE_BOOKING.value
        and result.get("declined") == "conflict"
        and result.get("event_id")
    ):
        return AutomaticAction.WITHDRAW_CONFLICT
    return None


def retention_cutoff(now: datetime, days: int) -> datetime:
    """Entries from before this moment are pruned."""
    return now - timedelta(days=days)
