"""Mutation payloads: every mutation answers ``<Name>Payload`` with ``userErrors``.

Expected failures a user can act on (:data:`EXPECTED`: invalid input, not
found, conflict, Microsoft 365 refusing) become ``userErrors`` in the payload,
so the other mutations of the same document keep their results. Everything
else (UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED, bugs) stays a top-level error
(``api/errors.py``), and the mutation's field is null.

A mutation wraps its work in :class:`UserErrors`::

    with UserErrors(info) as errors:
        ...                                  # raises InvalidInputError(field=...)
        return UpdateRoomPayload(room=room)  # success
    return errors.payload(UpdateRoomPayload)  # expected failure, nothing saved

Work that commits inside the block is kept only when the block ends without
an error: sessions opened inside roll back on the way out.
"""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

import strawberry
from strawberry.utils.str_converters import to_camel_case

from transom.api.context import Info
from transom.api.enums import ErrorCode
from transom.domain.errors import (
    ConflictError,
    ExternalServiceError,
    InvalidInputError,
    NotFoundError,
    TransomError,
)

__all__ = ["EXPECTED", "Payload", "UserError", "UserErrors", "user_error"]

EXPECTED = (InvalidInputError, NotFoundError, ConflictError, ExternalServiceError)


@strawberry.type(
    description="An expected failure of a mutation, for the user to act on "
    "(shown next to the input field it names)."
)
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the argument or input field to fix, e.g. ["input", '
        '"capacity"]; null when no single field is at fault.'
    )
    message: str = strawberry.field(description="What is wrong, in plain words.")
    code: ErrorCode = strawberry.field(
        description="BAD_USER_INPUT, NOT_FOUND, CONFLICT or GRAPH_ERROR."
    )
    hint: str | None = strawberry.field(
        default=None, description="How to fix it (Microsoft 365 failures, conflicts)."
    )


@strawberry.type(description="What every mutation payload has.")
class Payload:
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the mutation did not do what was asked; empty on success. "
        "Nothing was saved when this is not empty (importAbsences: the entries "
        "not listed here were saved).",
    )


P = TypeVar("P", bound=Payload)


def user_error(
    error: TransomError, path: list[str] | None = None, *, hint: str | None = None
) -> UserError:
    if hint is None and isinstance(error, ExternalServiceError):
        hint = error.hint
    return UserError(
        field=path,
        message=error.message,
        code=error.code,
        hint=hint,
    )


class UserErrors:
    """Catches the expected errors of a mutation's work and keeps them."""

    def __init__(self, info: Info) -> None:
        self._info = info
        self.errors: list[UserError] = []

    def __enter__(self) -> UserErrors:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if not isinstance(error, EXPECTED):
            return False
        path = self.path(error.field) if isinstance(error, InvalidInputError) else None
        self.errors.append(user_error(error, path))
        return True

    def path(self, field: str | None) -> list[str] | None:
        """An argument of the mutation by that name, else a field of ``input``."""
        if not field:
            return None
        name = to_camel_case(field)
        raw = self._info._raw_info
        arguments = raw.parent_type.fields[raw.field_name].args
        if name in arguments or "input" not in arguments:
            return [name]
        return ["input", name]

    def payload(self, kind: type[P]) -> P:
        """The mutation's payload carrying only the errors (no changed object)."""
        return kind(user_errors=self.errors)
