"""Turn SDK, azure-identity and httpx exceptions into the typed errors of errors.py.

Pure except for Retry-After HTTP dates, which are relative to the clock. Rules
follow graph-contract.md §1.2 (AADSTS codes) and §7 (Graph status and codes):
branch on status and ``code``; message text only where Microsoft gives no code
(access-policy 403s, consent 403s).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError
from kiota_abstractions.api_error import APIError

from transom.graph.errors import (
    DeltaExpiredError,
    GraphAuthError,
    GraphAuthKind,
    GraphError,
    GraphNotFoundError,
    GraphRequestError,
    GraphThrottledError,
    GraphTransientError,
    MailboxAccessDeniedError,
    MailboxNotFoundError,
    MailboxProblem,
)

DEFAULT_RETRY_AFTER_SECONDS = 30.0

AADSTS_KINDS: dict[str, GraphAuthKind] = {
    "7000222": GraphAuthKind.SECRET_EXPIRED,
    "7000215": GraphAuthKind.INVALID_CREDENTIALS,
    "7000218": GraphAuthKind.INVALID_CREDENTIALS,
    "700027": GraphAuthKind.INVALID_CREDENTIALS,
    "700024": GraphAuthKind.INVALID_CREDENTIALS,
    "90002": GraphAuthKind.TENANT_NOT_FOUND,
    "900023": GraphAuthKind.TENANT_NOT_FOUND,
    "700016": GraphAuthKind.APP_NOT_FOUND,
    "65001": GraphAuthKind.CONSENT_MISSING,
}
_POLICY_MARKERS = ("accesspolicy", "access to odata is disabled", "[raop]", "[rapo]")
_CONSENT_MARKERS = ("access is denied. check credentials", "insufficient privileges")
_MAILBOX_CODES = {
    "errorinvaliduser": MailboxProblem.NO_SUCH_MAILBOX,
    "request_resourcenotfound": MailboxProblem.NO_SUCH_MAILBOX,
    "mailboxnotenabledforrestapi": MailboxProblem.NO_EXCHANGE_MAILBOX,
    "mailboxnotsupportedforrestapi": MailboxProblem.NO_EXCHANGE_MAILBOX,
}


def auth_error(exc: ClientAuthenticationError) -> GraphAuthError:
    """Classify a token failure by its AADSTS number."""
    text = str(exc.message or exc)
    found = re.search(r"AADSTS(\d+)", text)
    code = found.group(1) if found else None
    kind = AADSTS_KINDS.get(code or "", GraphAuthKind.OTHER)
    return GraphAuthError(kind, code, text)


def error_from_status(
    status: int,
    code: str | None,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    mailbox: str | None = None,
) -> GraphError:
    """The typed error for a Graph error response (also used for $batch items)."""
    folded_code, folded = (code or "").casefold(), message.casefold()
    if folded_code in _MAILBOX_CODES:
        problem = _MAILBOX_CODES[folded_code]
        return MailboxNotFoundError(
            message, mailbox=mailbox, problem=problem, code=code
        )
    if status == 403:
        return _forbidden(code, message, folded, mailbox)
    if status == 401:
        return GraphAuthError(GraphAuthKind.TOKEN_REJECTED, None, message)
    if status == 404:
        return GraphNotFoundError(message, code=code)
    if status == 410:
        return DeltaExpiredError(message, code=code)
    retry_after = retry_after_seconds(headers or {})
    if status == 429 or (status in (503, 504) and retry_after is not None):
        delay = retry_after if retry_after is not None else DEFAULT_RETRY_AFTER_SECONDS
        return GraphThrottledError(message, retry_after_seconds=delay, code=code)
    if status >= 500:
        return GraphTransientError(f"Graph answered {status}: {message}", code=code)
    return GraphRequestError(status, code, message)


def translate(exc: BaseException, *, mailbox: str | None = None) -> GraphError | None:
    """The typed error for an exception raised while talking to Graph, if known."""
    if isinstance(exc, GraphError):
        return exc
    if isinstance(exc, ClientAuthenticationError):
        return auth_error(exc)
    if isinstance(exc, APIError):
        return _from_api_error(exc, mailbox)
    if isinstance(exc, httpx.TimeoutException | ServiceRequestError):
        return GraphTransientError(f"Timed out or could not connect: {exc}")
    if isinstance(exc, httpx.TransportError):
        return GraphTransientError(f"Network error talking to Graph: {exc}")
    return None


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` as seconds (a number or an HTTP date), if present."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _forbidden(
    code: str | None, message: str, folded: str, mailbox: str | None
) -> GraphError:
    if any(marker in folded for marker in _POLICY_MARKERS):
        return MailboxAccessDeniedError(message, mailbox=mailbox, code=code)
    if (code or "").casefold() in (
        "authorization_requestdenied",
        "erroraccessdenied",
    ) or any(marker in folded for marker in _CONSENT_MARKERS):
        return GraphAuthError(GraphAuthKind.CONSENT_MISSING, None, message)
    return GraphRequestError(403, code, message)


def _from_api_error(exc: APIError, mailbox: str | None) -> GraphError:
    status = exc.response_status_code or 0
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or exc.message or str(exc)
    headers = {str(k): str(v) for k, v in (exc.response_headers or {}).items()}
    return error_from_status(status, code, message, headers=headers, mailbox=mailbox)
