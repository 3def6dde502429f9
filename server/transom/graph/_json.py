"""JSON plumbing shared by converters: enum names, nested lookups, SDK models to dicts.

Graph enums are camelCase (``workingElsewhere``) on output and case-insensitive
on input; Transom's are SCREAMING_SNAKE. Unknown values fall back to a default
so one odd event never breaks a sync round.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from kiota_abstractions.serialization import Parsable
from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter

E = TypeVar("E", bound=StrEnum)
_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


def enum_from_graph(value: object, enum: type[E], default: E) -> E:
    """``"tentativelyAccepted"`` → ``ResponseKind.TENTATIVELY_ACCEPTED``."""
    if not isinstance(value, str) or not value:
        return default
    name = _CAMEL_BOUNDARY.sub("_", value).upper()
    try:
        return enum(name)
    except ValueError:
        return default


def enum_to_graph(value: StrEnum) -> str:
    """``ShowAs.WORKING_ELSEWHERE`` → ``"workingElsewhere"``."""
    first, *rest = value.value.lower().split("_")
    return first + "".join(part.title() for part in rest)


def dig(data: Mapping[str, Any] | None, *path: str) -> Any:
    """``data[path[0]][path[1]]…`` or None when any step is missing or null."""
    current: Any = data
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def text(data: Mapping[str, Any] | None, *path: str) -> str:
    value = dig(data, *path)
    return value if isinstance(value, str) else ""


def optional_text(data: Mapping[str, Any] | None, *path: str) -> str | None:
    value = dig(data, *path)
    return value if isinstance(value, str) and value else None


def model_to_json(model: Parsable) -> dict[str, Any]:
    """Serialize an SDK model exactly as the SDK would send it."""
    writer = JsonSerializationWriter()
    writer.write_object_value(None, model)
    loaded: dict[str, Any] = json.loads(writer.get_serialized_content())
    return loaded


def loads_object(content: bytes | None) -> dict[str, Any]:
    """A JSON object response body; empty bodies become ``{}``."""
    if not content:
        return {}
    loaded = json.loads(content)
    if not isinstance(loaded, dict):
        raise ValueError("Graph answered with JSON that is not an object")
    return loaded
