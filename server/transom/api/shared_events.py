"""One GraphQL result per subscription event, however many subscribers get it.

A thousand door displays of one room all receive the same day after a change.
Live subscriptions yield a :class:`SharedEvent`, one object for every
subscriber in this process that may see the same thing, and
:class:`SharingExecutor` executes the subscription's selection on it once per
operation text and variables; the other subscribers replay that result, and
its JSON is encoded once too (:func:`encode_json`), so each subscriber costs
little more than its own websocket write.

Only a value that is the same for all its receivers may be shared: it must
already be what that kind of viewer may see (the caller keys it so), and the
types under it must not resolve anything by viewer (RoomDay, RoomStatus and
Booking are plain data).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, cast

from graphql import ExecutionResult
from graphql.execution import Executor
from graphql.pyutils import AwaitableOrValue
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


@dataclass(eq=False)
class SharedEvent:
    """A subscription event's value and its results, by operation."""

    value: Any
    # graphql-core's results by subscription operation; strawberry's for the
    # HTTP reads kept on it (transom.api.transport.kept_reads)
    results: dict[Hashable, Any] = field(default_factory=dict)


class SharedData(dict[str, Any]):
    """A shared result's data: read-only by convention, JSON encoded once."""

    _json: str | None = None

    def json(self) -> str:
        if self._json is None:
            self._json = _dumps(self)
        return self._json


_UNKNOWN: Any = object()


class SharingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Executes a :class:`SharedEvent` once per operation and variables."""

    _key: Hashable | None = _UNKNOWN

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        if isinstance(payload, SharedEvent):
            key = self._share_key()
            found = payload.results.get(key) if key is not None else None
            if found is not None:
                return cast(Executor[Any], _Replay(found))
        return super().build_per_event_executor(payload)

    def execute_operation(self, serially: bool | None = None) -> AwaitableOrValue[Any]:
        event = self.root_value
        if not isinstance(event, SharedEvent):
            return super().execute_operation(serially)
        self.root_value = event.value
        key = self._share_key()
        result = super().execute_operation(serially)
        if key is None:
            return result
        if self.is_awaitable(result):
            return _stored(result, event, key)
        return _store(result, event, key)

    def _share_key(self) -> Hashable | None:
        """The operation's text and variables (None: not known, do not share).
        Per-event executors are copies, so the subscription's computes it once."""
        if self._key is _UNKNOWN:
            self._key = None
            location = self.operation.loc
            if location is not None:
                try:
                    variables = json.dumps(
                        self.variable_values.coerced, sort_keys=True, default=str
                    )
                except (TypeError, ValueError):
                    return None
                body = location.source.body
                self._key = (body, location.start, location.end, variables)
        return self._key


@dataclass(frozen=True)
class _Replay:
    """Stands in for a per-event executor whose result is already known."""

    result: ExecutionResult

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return self.result


def _store(result: Any, event: SharedEvent, key: Hashable) -> Any:
    # Errors are not shared: each subscriber gets (and logs) its own.
    if not isinstance(result, ExecutionResult) or result.errors:
        return result
    if isinstance(result.data, dict):
        result = ExecutionResult(SharedData(result.data), None, result.extensions)
    event.results[key] = result
    return result


async def _stored(result: Any, event: SharedEvent, key: Hashable) -> Any:
    return _store(await result, event, key)


_ENCODER = json.JSONEncoder(separators=(",", ":"))  # json.dumps makes one per call


def _dumps(value: object) -> str:
    return _ENCODER.encode(value)


def encode_json(message: object) -> str:
    """JSON as strawberry writes it, reusing a shared result's encoded data
    (``{"id": …, "type": "next", "payload": {"data": …}}`` over websockets,
    ``{"data": …}`` over HTTP)."""
    if isinstance(message, dict):
        data = message.get("data")
        if isinstance(data, SharedData):
            return _with_data(message, data)
        payload = message.get("payload")
        if isinstance(payload, dict):
            data = payload.get("data")
            if isinstance(data, SharedData):
                return _with_shared(message, payload, data)
    return _dumps(message)


def _with_shared(
    message: dict[str, Any], payload: dict[str, Any], data: SharedData
) -> str:
    outer = _dumps({k: v for k, v in message.items() if k != "payload"})
    inner = _with_data(payload, data)
    return outer[:-1] + ("," if outer != "{}" else "") + '"payload":' + inner + "}"


def _with_data(value: dict[str, Any], data: SharedData) -> str:
    rest = _dumps({k: v for k, v in value.items() if k != "data"})
    return '{"data":' + data.json() + ("," + rest[1:] if rest != "{}" else "}")
