"""JSON that nests too deep is refused before Python's parser recurses into it.

``json.loads`` recurses once per level: 50,000 nested brackets raise
``RecursionError`` (an HTTP 500 before). :func:`nesting_depth` scans the text
without recursion, skipping strings, so the refusal is cheap and exact.
"""

from __future__ import annotations

import json

MAX_JSON_DEPTH = 64


class JSONTooDeepError(json.JSONDecodeError):
    """The document nests more than the limit; the message says by how much.

    A ``JSONDecodeError``, so whatever handles malformed JSON (strawberry's
    HTTP 400, its websocket close 4400) handles this too."""


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting in ``text``, ignoring brackets in strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads_bounded(data: str | bytes, limit: int = MAX_JSON_DEPTH) -> object:
    """``json.loads`` for untrusted input; every refusal is a ``ValueError``
    (bad UTF-8, bad JSON, :class:`JSONTooDeepError`)."""
    text = data.decode() if isinstance(data, bytes) else data
    if text.count("[") + text.count("{") > limit:
        depth = nesting_depth(text)
        if depth > limit:
            raise JSONTooDeepError(
                f"JSON nested {depth} levels deep; at most {limit} are accepted",
                text,
                0,
            )
    return json.loads(text)
