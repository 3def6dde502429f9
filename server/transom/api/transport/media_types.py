"""``application/graphql-response+json`` (GraphQL over HTTP), next to
``application/json``.

A client that accepts the new media type gets it, and with it status codes
that say what happened: a request error (the document does not parse or
validate, variables do not fit; ``data`` is null and no error has a ``path``)
is a 400 without a ``data`` entry; anything that ran is a 200. With ``application/json`` every GraphQL
answer stays a 200, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

GRAPHQL_RESPONSE = "application/graphql-response+json"


class SubResponse(Response):
    """Strawberry's per-request response, remembering what the client accepts."""

    def __init__(self, accept: str) -> None:
        super().__init__()
        self.status_code = None  # type: ignore[assignment]  # strawberry's convention
        del self.headers["content-length"]
        self.graphql_response = prefers_graphql_response(accept)


def prefers_graphql_response(accept: str) -> bool:
    """Whether the Accept header ranks graphql-response+json over plain JSON."""
    ranks: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranks[media.lower()] = max(quality, ranks.get(media.lower(), 0.0))
    mine = ranks.get(GRAPHQL_RESPONSE, 0.0)
    plain = max(ranks.get("application/json", 0.0), ranks.get("*/*", 0.0))
    return mine > 0 and mine >= plain


def without_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """A request error's body: no ``data`` entry (the request never ran)."""
    return {key: value for key, value in data.items() if key != "data"}


def mark(response: Response, *, request_error: bool) -> None:
    response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
    if request_error:
        response.status_code = 400


def is_request_error(data: Mapping[str, Any]) -> bool:
    errors = data.get("errors") or []
    return (
        data.get("data") is None
        and bool(errors)
        and not any(isinstance(e, Mapping) and e.get("path") for e in errors)
    )
