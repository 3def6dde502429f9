"""Keyset pagination: opaque cursors over a stable ordering."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from transom.domain.errors import InvalidInputError

T = TypeVar("T")
MAX_PAGE = 200
MAX_CURSOR_TEXT = 400
# NUL and lone surrogates: PostgreSQL refuses them, SQLite would store them.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool
    # Pages go forward only: items lie before this page when it starts after a
    # cursor (one of ours names an item that was there).
    has_previous: bool = False


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode()


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInputError("not a cursor from this API", field="after") from None
    if not isinstance(values, list) or len(values) != width:
        raise InvalidInputError("not a cursor from this API", field="after")
    return [_decode_value(v) for v in values]


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        try:
            return datetime.fromisoformat(value["t"])
        except (KeyError, TypeError, ValueError):
            raise InvalidInputError(
                "not a cursor from this API", field="after"
            ) from None
    return value


async def fetch_page(
    session: AsyncSession,
    stmt: Select[T],
    order: Sequence[InstrumentedAttribute[Any]],
    *,
    first: int,
    after: str | None,
    descending: bool = False,
) -> Page[T]:
    """Run ``stmt`` ordered by ``order`` (last column unique), from ``after``;
    ``descending``: every column in reverse (newest first)."""
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInputError(f"first must be 1..{MAX_PAGE}", field="first")
    if after is not None:
        values = _check_types(decode_cursor(after, len(order)), order)
        stmt = stmt.where(_after(order, values, descending=descending))
    ordering = [c.desc() for c in order] if descending else list(order)
    stmt = stmt.order_by(*ordering).limit(first + 1)
    rows = list((await session.scalars(stmt)).all())
    items = rows[:first]
    cursors = [encode_cursor([getattr(r, c.key) for c in order]) for r in items]
    return Page(
        items=items,
        cursors=cursors,
        has_next=len(rows) > first,
        has_previous=after is not None,
    )


def _check_types(
    values: list[Any], order: Sequence[InstrumentedAttribute[Any]]
) -> list[Any]:
    """A crafted cursor (``["x", null]``) must not reach the database's comparisons."""
    for value, column in zip(values, order, strict=True):
        if not _fits(value, column.type.python_type):
            raise InvalidInputError("not a cursor from this API", field="after")
    return values


def _fits(value: Any, expected: type) -> bool:
    if isinstance(value, bool) or not isinstance(value, expected):
        return False
    if isinstance(value, datetime):
        return value.tzinfo is not None
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, str):
        return len(value) <= MAX_CURSOR_TEXT and not UNSTORABLE.search(value)
    return True


def _after(
    order: Sequence[InstrumentedAttribute[Any]],
    values: list[Any],
    *,
    descending: bool = False,
) -> Any:
    """Rows strictly after ``values`` in ``order`` (columns must be non-null)."""
    clauses = []
    for index, column in enumerate(order):
        equal = [order[i] == values[i] for i in range(index)]
        beyond = column < values[index] if descending else column > values[index]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)
