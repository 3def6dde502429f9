"""A subscription pushes a result only when it differs from the last one sent.

Live subscriptions re-evaluate on every event of their channel and on a timer
(a meeting starting changes a room's status), and most of those wake-ups change
nothing a subscriber sees: a room's capacity changed, the minute tick passed.
:class:`ChangesOnlySchema` filters each subscription's stream: a result without
errors whose ``data`` equals the previous one sent over that subscription is
dropped. Errors always go out. Each subscription keeps a reference to the last
data it sent, no more; for the shared results of
:mod:`transom.api.shared_events` that is one object per room and kind of
viewer, not a copy per display.

    schema = ChangesOnlySchema(query=Query, subscription=Subscription)
"""

from __future__ import annotations

from contextlib import aclosing
from typing import Any

import strawberry
from strawberry.schema.schema import StreamResult
from strawberry.types import ExecutionResult

_NOTHING: Any = object()


class ChangesOnlySchema(strawberry.Schema):
    """strawberry's Schema whose streams skip results identical to the last."""

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Any | None = None,
    ) -> StreamResult:
        results = await super().stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )
        return changes_only(results)


async def changes_only(results: StreamResult) -> StreamResult:
    """``results`` without the error-free ones equal to the last sent."""
    last: object = _NOTHING
    async with aclosing(results):
        async for result in results:
            if isinstance(result, ExecutionResult) and not result.errors:
                if result.data is last or result.data == last:
                    continue
                last = result.data
            else:
                last = _NOTHING
            yield result
