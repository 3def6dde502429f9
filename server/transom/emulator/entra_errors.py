"""Microsoft Entra ID's OAuth error body (graph-contract.md §1.1, §1.2).

::

    {"error": "invalid_client",
     "error_description": "AADSTS7000215: Invalid client secret provided. ... Trace ID: ...
                           Correlation ID: ... Timestamp: 2026-11-21 10:00:00Z",
     "error_codes": [7000215], "timestamp": "...", "trace_id": "...",
     "correlation_id": "...", "error_uri": "https://login.microsoftonline.com/error?code=7000215"}
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from starlette.responses import JSONResponse


class EntraError(Exception):
    """An AADSTS failure: HTTP ``status``, OAuth ``error`` and AADSTS ``code``."""

    def __init__(self, status: int, error: str, code: int, message: str) -> None:
        super().__init__(f"AADSTS{code}: {message}")
        self.status = status
        self.error = error
        self.code = code
        self.message = message


def entra_error_response(exc: EntraError, login_url: str) -> JSONResponse:
    trace_id, correlation_id = str(uuid.uuid4()), str(uuid.uuid4())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    description = (
        f"AADSTS{exc.code}: {exc.message} Trace ID: {trace_id} "
        f"Correlation ID: {correlation_id} Timestamp: {stamp}"
    )
    body = {
        "error": exc.error,
        "error_description": description,
        "error_codes": [exc.code],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": f"{login_url}/error?code={exc.code}",
    }
    return JSONResponse(body, status_code=exc.status)


def unknown_tenant(name: str) -> EntraError:
    return EntraError(
        400,
        "invalid_tenant",
        90002,
        f"Tenant '{name}' not found. Check to make sure you have the correct tenant ID "
        "and are signing into the correct cloud.",
    )
