"""A door display's ``RoomDay`` over HTTP, answered from the room's kept day.

Door displays fetch ``schema/operations/signage/RoomDay.graphql`` on every start
and reconnect. Its answer depends only on the room's snapshot, the moment (the
status turns at a meeting's start or end) and the kind of viewer (displays see
bookings masked by the tenant's privacy settings), exactly what the live pushes
already share (``day_of`` in :mod:`transom.api.live`). So the first such request
after a change is executed as any other, and its result is kept in that shared
day; the next ones, from any display of the room, get it without parsing,
validating or executing anything, and its JSON is encoded once
(``SharedData`` in :mod:`transom.api.shared_events`). The day is replaced when the
room changes (its events, from any process), so the kept result goes with it.

Every request is still authenticated (the device token, kept for seconds and
dropped at once on revocation: :mod:`transom.api.displays.token_cache`) and
checked against the room; anything unusual (another document or operation,
other variables, an unknown token, another room) takes the ordinary path,
which answers it as before. Errors are never kept.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from transom.api.context import Context
from transom.api.live import day_of
from transom.api.shared_events import SharedData, SharedEvent
from transom.api.transport.persisted import SIGNAGE_OPERATIONS, persisted_name
from transom.domain.displays import is_device_token
from transom.domain.errors import TransomError

KEPT = frozenset({"RoomDay"})  # persisted queries whose result is kept


@dataclass(frozen=True)
class KeptRead:
    """Where one request's result is (or will be) kept."""

    day: SharedEvent
    key: Hashable

    def found(self) -> ExecutionResult | None:
        result = self.day.results.get(self.key)
        return result if isinstance(result, ExecutionResult) else None

    def keep(self, result: ExecutionResult) -> ExecutionResult:
        if result.errors or not isinstance(result.data, dict):
            return result
        kept = ExecutionResult(SharedData(result.data), None, result.extensions)
        self.day.results[self.key] = kept
        return kept


async def kept_read(context: Context, request: GraphQLRequestData) -> KeptRead | None:
    """The kept place of a display's RoomDay request, or None (run it as usual)."""
    query = request.query
    token = context.bearer_token()
    if query is None or token is None or not is_device_token(token):
        return None
    folder = context.services.settings.assets_dir / SIGNAGE_OPERATIONS
    name = persisted_name(folder, query)
    if name not in KEPT or request.operation_name not in (None, name):
        return None
    variables = request.variables
    if not isinstance(variables, dict) or set(variables) != {"roomId"}:
        return None
    room_id = variables["roomId"]
    if not isinstance(room_id, str):
        return None
    try:
        viewer = await context.viewer()
        day = await day_of(context, room_id, viewer)
    except (TransomError, SQLAlchemyError, OSError):
        return None  # the ordinary path answers it, with its code
    # By name, not text: every text of the same persisted document (its
    # canonical print) selects the same, and a display cannot add entries.
    return KeptRead(day, ("http", name))
