"""Graph failures inside a command the API runs become errors a caller can read.

A ``GraphError`` (credentials refused, throttled, outage) or a command timeout
escaping into the API was masked as INTERNAL_SERVER_ERROR. Commands wrap their
Graph work in :func:`graph_failures_as_errors`, which re-raises them as the
domain's :class:`ExternalServiceError` with Graph's code and its hint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from transom.domain.errors import ExternalServiceError
from transom.graph.errors import GraphError

TIMEOUT_HINT = "Microsoft 365 did not answer in time: try again in a minute."


@contextmanager
def graph_failures_as_errors(action: str) -> Iterator[None]:
    """``action`` names what failed, e.g. "importing the directory"."""
    try:
        yield
    except GraphError as error:
        raise ExternalServiceError(
            f"{action} failed: {error.message}", hint=error.hint, graph_code=error.code
        ) from error
    except TimeoutError as error:
        raise ExternalServiceError(f"{action} timed out", hint=TIMEOUT_HINT) from error
