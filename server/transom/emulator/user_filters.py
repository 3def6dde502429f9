"""The ``$filter`` subset ``/users`` supports here.

Clauses, joined by ``or`` / ``and`` (no parentheses, ``and`` binds first)::

    mail eq 'a@x'            userPrincipalName eq 'a@x'    id eq '...'
    displayName eq 'Ada'     proxyAddresses/any(x:x eq 'smtp:a@x')
    startswith(displayName,'Ad')   startswith(mail,'ad')   accountEnabled eq true

Directory string comparisons are case-insensitive. Anything else answers 400
``Request_UnsupportedQuery`` as Entra does for unsupported filters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import GraphError

Predicate = Callable[[dict[str, Any]], bool]

_EQ = re.compile(r"^(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|(true|false))$", re.IGNORECASE)
_ANY = re.compile(r"^(\w+)/any\((\w+):\s*\2\s+eq\s+'((?:[^']|'')*)'\)$", re.IGNORECASE)
_STARTS = re.compile(r"^startswith\((\w+),\s*'((?:[^']|'')*)'\)$", re.IGNORECASE)
_SPLIT_OR = re.compile(r"\s+or\s+(?=(?:[^']*'[^']*')*[^']*$)", re.IGNORECASE)
_SPLIT_AND = re.compile(r"\s+and\s+(?=(?:[^']*'[^']*')*[^']*$)", re.IGNORECASE)


def unsupported() -> GraphError:
    return GraphError(400, "Request_UnsupportedQuery", "Unsupported Query.")


def _field(item: dict[str, Any], name: str) -> Any:
    for key, value in item.items():
        if key.lower() == name.lower():
            return value
    raise unsupported()


def _text(value: Any) -> str:
    return str(value).lower() if value is not None else ""


def _clause(text: str) -> Predicate:
    text = text.strip()
    if match := _EQ.match(text):
        name, literal, boolean = match.groups()
        if boolean is not None:
            return lambda item: _field(item, name) is (boolean.lower() == "true")
        wanted = literal.replace("''", "'").lower()
        return lambda item: _text(_field(item, name)) == wanted
    if match := _ANY.match(text):
        name, _, literal = match.groups()
        wanted = literal.replace("''", "'").lower()
        return lambda item: wanted in (_text(v) for v in _field(item, name) or [])
    if match := _STARTS.match(text):
        name, literal = match.groups()
        prefix = literal.replace("''", "'").lower()
        return lambda item: _text(_field(item, name)).startswith(prefix)
    raise unsupported()


def _all(parts: list[Predicate]) -> Predicate:
    return lambda item: all(p(item) for p in parts)


def parse_user_filter(expression: str) -> Predicate:
    """A predicate over a user's full JSON for ``expression``."""
    alternatives = [
        _all([_clause(c) for c in _SPLIT_AND.split(part)])
        for part in _SPLIT_OR.split(expression.strip())
    ]
    return lambda item: any(a(item) for a in alternatives)
