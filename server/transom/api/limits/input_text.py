"""Text the database cannot store is refused at the API boundary, in one place.

Every string a request carries, as a literal in the document or inside its
variables, is checked before execution against the column it ends up in (by its
argument or input field name) and against what neither database stores: NUL
characters (PostgreSQL refuses them) and lone surrogates (not UTF-8). SQLite
would silently store an over-long name, PostgreSQL would fail with an internal
error; both now answer ``BAD_USER_INPUT`` with ``extensions.field``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    ListValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    visit,
)
from graphql.language import Visitor
from sqlalchemy import ColumnElement
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from transom.db import models
from transom.domain.errors import InvalidInputError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
DEFAULT_MAX = 10_000
MAX_NESTING = 32


def _length(column: ColumnElement[Any]) -> int:
    length = getattr(column.type, "length", None)
    assert isinstance(length, int), f"{column} has no length"
    return length


EMAIL = _length(models.Booking.__table__.c.organizer_email)

# GraphQL argument / input field name -> the most characters it may hold.
MAX_LENGTH: Mapping[str, int] = {
    "name": _length(models.Room.__table__.c.name),
    "building": _length(models.Room.__table__.c.building),
    "floor": _length(models.Room.__table__.c.floor),
    "timeZone": _length(models.Room.__table__.c.time_zone),
    "search": _length(models.Room.__table__.c.name),
    "organizerEmail": EMAIL,
    "personEmail": EMAIL,
    "email": EMAIL,
    "address": EMAIL,
    "kind": _length(models.Absence.__table__.c.kind),
    "directoryId": _length(models.Tenant.__table__.c.directory_id),
    "clientId": _length(models.Tenant.__table__.c.client_id),
    "code": _length(models.Display.__table__.c.pairing_code),
    "after": 1_000,
    "subject": 1_000,
    "certificatePem": 20_000,
}


class InputLimits(SchemaExtension):
    """Refuses the whole operation before it runs when one string is unfit."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            try:
                check_document(document, context.variables or {})
            except InvalidInputError as error:
                if context.operation_type is OperationType.SUBSCRIPTION:
                    raise
                context.result = ExecutionResult(
                    data=None,
                    errors=[GraphQLError(error.message, original_error=error)],
                )
        yield


def check_document(document: DocumentNode, variables: Mapping[str, Any]) -> None:
    """Raises :class:`InvalidInputError` for the first unfit string."""
    for name, value in _arguments(document):
        _check_value(name, value, variables)


def _arguments(document: DocumentNode) -> Iterator[tuple[str, ValueNode]]:
    found: list[tuple[str, ValueNode]] = []

    class Collect(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: object) -> None:
            found.append((node.name.value, node.value))

        def enter_object_field(self, node: ObjectFieldNode, *_: object) -> None:
            found.append((node.name.value, node.value))

    visit(document, Collect())
    return iter(found)


def _check_value(name: str, node: ValueNode, variables: Mapping[str, Any]) -> None:
    if isinstance(node, StringValueNode):
        check_text(name, node.value)
    elif isinstance(node, VariableNode):
        check_json(name, variables.get(node.name.value))
    elif isinstance(node, ListValueNode):
        for item in node.values:
            _check_value(name, item, variables)
    # Object literals: their fields are visited as object fields.
    elif not isinstance(node, ObjectValueNode):
        return


def check_json(name: str, value: object) -> None:
    """Every string in a variable's value, keyed by its input field name."""
    stack: list[tuple[str, object, int]] = [(name, value, 0)]
    while stack:
        key, item, depth = stack.pop()
        if depth > MAX_NESTING:
            raise InvalidInputError(
                f"{key} is nested more than {MAX_NESTING} levels deep", field=key
            )
        if isinstance(item, str):
            check_text(key, item)
        elif isinstance(item, list):
            stack.extend((key, element, depth + 1) for element in item)
        elif isinstance(item, dict):
            stack.extend((str(k), v, depth + 1) for k, v in item.items())


def check_text(field: str, value: str) -> None:
    limit = MAX_LENGTH.get(field, DEFAULT_MAX)
    if len(value) > limit:
        raise InvalidInputError(
            f"{field} is at most {limit} characters (got {len(value)})", field=field
        )
    if UNSTORABLE.search(value):
        raise InvalidInputError(
            f"{field} contains a NUL character or an unpaired surrogate: "
            "send plain text",
            field=field,
        )
