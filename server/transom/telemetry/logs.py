"""Logging for operators: one handler on the root logger, text or JSON lines.

Every record carries ``request_id``: the HTTP request's or websocket's id (see
:mod:`transom.telemetry.request_ids`), the id of the background work that logs
it (:func:`work_id`), or ``-``. Errors callers caused and were told about
(a :class:`~transom.domain.errors.TransomError` such as UNAUTHENTICATED, or an
invalid document) are logged in one line at INFO; anything unexpected keeps its
traceback.

    configure_logging("INFO", "json")
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, TypeGuard

from graphql import GraphQLError
from pythonjsonlogger.json import JsonFormatter

from transom.domain.errors import TransomError

__all__ = [
    "REQUEST_ID",
    "bind_work_id",
    "configure_logging",
    "new_request_id",
    "work_id",
]

INTERNAL = "INTERNAL_SERVER_ERROR"
REQUEST_ID: ContextVar[str] = ContextVar("transom_request_id", default="-")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
# Loggers that install handlers of their own; their records go to ours instead.
ADOPTED = ("uvicorn", "uvicorn.error", "uvicorn.access", "strawberry.execution")


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def work_id(kind: str, ident: str) -> Iterator[str]:
    """Log lines inside carry ``<kind>:<ident>`` as their request id, e.g.
    ``with work_id("outbox", item.id):``."""
    token = REQUEST_ID.set(f"{kind}:{ident}")
    try:
        yield REQUEST_ID.get()
    finally:
        REQUEST_ID.reset(token)


def bind_work_id(kind: str, ident: str) -> None:
    """Log lines of the rest of this task carry ``<kind>:<ident>``: for a task
    started per item (each task runs in its own copy of the context)."""
    REQUEST_ID.set(f"{kind}:{ident}")


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class ExpectedErrorFilter(logging.Filter):
    """GraphQL errors the caller caused become one INFO line without traceback.

    Strawberry logs every error of a result with its traceback and stack; for
    a TransomError (it carries a code the caller sees) or a document that did
    not validate that is noise: 1.6 kB per unauthenticated request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if record.name != "strawberry.execution" or not _is_expected(error):
            return True
        record.msg, record.args = "%s: %s", (_code(error), error.message)
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _is_expected(error: object) -> TypeGuard[GraphQLError]:
    if not isinstance(error, GraphQLError) or _code(error) == INTERNAL:
        return False
    original = error.original_error
    return original is None or isinstance(original, TransomError | GraphQLError)


def _code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    original = error.original_error
    if isinstance(original, TransomError):
        return original.code.value
    return INTERNAL if original is not None else "GRAPHQL_ERROR"


def configure_logging(
    level: str = "INFO", fmt: str = "text", stream: IO[str] | None = None
) -> logging.Handler:
    """Route every logger to one handler on the root logger; return it.
    ``fmt`` is ``text`` or ``json`` (one JSON object per line)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(ExpectedErrorFilter())
    handler.setFormatter(_formatter(fmt))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ADOPTED:
        adopted = logging.getLogger(name)
        adopted.handlers = []
        adopted.propagate = True
    # One access line per request (health checks poll several times a minute)
    # only at DEBUG: the proxy's access log has them, with the same request id.
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.NOTSET if level.upper() == "DEBUG" else logging.WARNING)
    return handler


def _formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return JsonFormatter(
            JSON_FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter(TEXT_FORMAT)
