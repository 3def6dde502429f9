"""Transom's error hierarchy. Every error carries a stable ``code``.

    TransomError                      code
    ├── UnauthenticatedError          UNAUTHENTICATED  no or unknown credentials
    ├── PermissionDeniedError         FORBIDDEN        known caller, not allowed
    ├── NotFoundError                 NOT_FOUND        absent, or another tenant's
    ├── InvalidInputError(field=...)  BAD_USER_INPUT   a value the caller must fix
    ├── ConflictError                 CONFLICT         clashes with current state
    ├── RateLimitedError              RATE_LIMITED     too many requests; retry after
    └── ExternalServiceError          GRAPH_ERROR      Microsoft 365 refused or failed

The API maps these to GraphQL errors with ``extensions.code`` (and
``extensions.field`` for invalid input, ``extensions.retryAfter`` seconds for
rate limits, ``extensions.hint`` and ``extensions.graphCode`` for Microsoft 365
failures). Anything else is a bug and is masked.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ConflictError",
    "ErrorCode",
    "ExternalServiceError",
    "InvalidInputError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "TransomError",
    "UnauthenticatedError",
]


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    GRAPH_ERROR = "GRAPH_ERROR"


class TransomError(Exception):
    """Base of every error a caller is meant to see."""

    code: ErrorCode = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnauthenticatedError(TransomError):
    code = ErrorCode.UNAUTHENTICATED


class PermissionDeniedError(TransomError):
    code = ErrorCode.FORBIDDEN


class NotFoundError(TransomError):
    """The object does not exist, or belongs to another tenant.

    >>> NotFoundError.of("Room", "r1").message
    "Room 'r1' was not found"
    """

    code = ErrorCode.NOT_FOUND

    @classmethod
    def of(cls, kind: str, ident: str) -> NotFoundError:
        return cls(f"{kind} {ident!r} was not found")


class InvalidInputError(TransomError):
    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConflictError(TransomError):
    code = ErrorCode.CONFLICT


class RateLimitedError(TransomError):
    """Too many requests from one caller; ``retry_after_seconds`` says when to retry."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = max(1, retry_after_seconds)


class ExternalServiceError(TransomError):
    """Microsoft 365 refused (credentials, consent) or failed (timeout, outage).

    ``hint`` says how to fix it; ``graph_code`` is Graph's or Entra ID's code.
    """

    code = ErrorCode.GRAPH_ERROR

    def __init__(
        self, message: str, *, hint: str, graph_code: str | None = None
    ) -> None:
        super().__init__(message)
        self.hint = hint
        self.graph_code = graph_code
