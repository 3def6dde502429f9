"""One place that turns errors into GraphQL errors with ``extensions.code``.

A :class:`TransomError` keeps its message and gets its code (and ``field`` for
invalid input). Anything else is logged with its traceback and masked as
``INTERNAL_SERVER_ERROR``: callers never see a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import StreamExecutionResult

from transom.domain.errors import (
    ExternalServiceError,
    InvalidInputError,
    RateLimitedError,
    TransomError,
)

log = logging.getLogger(__name__)

INTERNAL = "INTERNAL_SERVER_ERROR"


class TransomErrors(SchemaExtension):
    """Applies to single results and to each result of a subscription stream."""

    def on_operation(self) -> Iterator[None]:
        yield
        _rewrite(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        _rewrite(result)
        yield None


def _rewrite(result: object) -> None:
    """Idempotent: an error already made public keeps its code."""
    errors = getattr(result, "errors", None)
    if errors:
        result.errors = [_public(error) for error in errors]  # type: ignore[attr-defined]


def _public(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError):
        return _copy(error, error.message, {"code": "GRAPHQL_PARSE_FAILED"})
    if original is None:
        validation = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}
        return _copy(error, error.message, validation)
    if isinstance(original, TransomError):
        extensions: dict[str, object] = {"code": original.code.value}
        extensions.update(_details(original))
        return _copy(error, original.message, extensions)
    if isinstance(original, GraphQLError):
        return _copy(error, error.message, {"code": "BAD_USER_INPUT"})
    log.error("unexpected error in %s", error.path, exc_info=original)
    return _copy(error, "Internal server error", {"code": INTERNAL})


def _details(error: TransomError) -> dict[str, object]:
    if isinstance(error, InvalidInputError) and error.field:
        return {"field": error.field}
    if isinstance(error, RateLimitedError):
        return {"retryAfter": error.retry_after_seconds}
    if isinstance(error, ExternalServiceError):
        return {"hint": error.hint, "graphCode": error.graph_code}
    return {}


def _copy(
    error: GraphQLError, message: str, extensions: dict[str, object]
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )
