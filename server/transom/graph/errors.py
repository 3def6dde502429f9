"""Typed errors of the Graph adapter. Callers branch on the class, never on text.

Hierarchy::

    GraphError                    any failure talking to Entra ID / Graph
    ├── GraphAuthError            token refused / no consent (per tenant, permanent)
    ├── GraphThrottledError       429/503 after the SDK's retries (retry_after_seconds)
    ├── GraphTransientError       5xx, timeouts, network (retry with backoff)
    ├── DeltaExpiredError         410 SyncStateNotFound: drop the link, resync window
    ├── GraphNotFoundError        404 on an item (event, subscription, place)
    │   └── MailboxNotFoundError  the address has no (Exchange Online) mailbox
    ├── MailboxAccessDeniedError  an access policy excludes this one mailbox (403)
    └── GraphRequestError         anything else Graph refused (status, code, message)

Every error has ``message`` (what happened, for people) and ``hint`` (how to fix
it). The adapter raises them ``from`` the SDK exception that caused them.
"""

from __future__ import annotations

from enum import StrEnum


class GraphError(Exception):
    """Base class; ``code`` is Graph's error code or the AADSTS number, if any."""

    hint: str = "Check the Microsoft 365 connection and try again."

    def __init__(
        self, message: str, *, code: str | None = None, hint: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        if hint is not None:
            self.hint = hint


class GraphAuthKind(StrEnum):
    SECRET_EXPIRED = "SECRET_EXPIRED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TENANT_NOT_FOUND = "TENANT_NOT_FOUND"
    APP_NOT_FOUND = "APP_NOT_FOUND"
    CONSENT_MISSING = "CONSENT_MISSING"
    TOKEN_REJECTED = "TOKEN_REJECTED"
    OTHER = "OTHER"


AUTH_HINTS: dict[GraphAuthKind, str] = {
    GraphAuthKind.SECRET_EXPIRED: (
        "Create a new client secret in Entra ID > App registrations > Certificates & "
        "secrets and save its value in Transom."
    ),
    GraphAuthKind.INVALID_CREDENTIALS: (
        "Paste the client secret's Value (not its Secret ID) from Entra ID > App "
        "registrations > Certificates & secrets, or upload the right certificate."
    ),
    GraphAuthKind.TENANT_NOT_FOUND: (
        "Check the Directory (tenant) ID on the app registration's Overview page."
    ),
    GraphAuthKind.APP_NOT_FOUND: (
        "Check the Application (client) ID, and that the app is registered in (or "
        "consented to by) this tenant."
    ),
    GraphAuthKind.CONSENT_MISSING: (
        "Grant admin consent for the app's application permissions in Entra ID > App "
        "registrations > API permissions."
    ),
    GraphAuthKind.TOKEN_REJECTED: "Graph refused the token; test the connection.",
    GraphAuthKind.OTHER: "Test the connection; Entra ID refused to issue a token.",
}


class GraphAuthError(GraphError):
    """Entra ID refused a token, or Graph refused the app's permissions.

    Example: ``GraphAuthError(GraphAuthKind.SECRET_EXPIRED, "7000222", "…")``.
    """

    def __init__(
        self, kind: GraphAuthKind, aadsts_code: str | None, message: str
    ) -> None:
        super().__init__(message, code=aadsts_code, hint=AUTH_HINTS[kind])
        self.kind = kind
        self.aadsts_code = aadsts_code


class GraphThrottledError(GraphError):
    """Graph kept answering 429/503; wait ``retry_after_seconds``, then retry."""

    hint = "Graph is throttling this app; Transom retries after the advised delay."

    def __init__(
        self, message: str, *, retry_after_seconds: float, code: str | None = None
    ):
        super().__init__(message, code=code)
        self.retry_after_seconds = retry_after_seconds


class GraphTransientError(GraphError):
    hint = "Microsoft Graph or the network failed for a moment; Transom retries."


class DeltaExpiredError(GraphError):
    hint = "Graph forgot the sync state; Transom resyncs the calendar from scratch."


class GraphNotFoundError(GraphError):
    hint = "The item no longer exists in Microsoft 365."


class MailboxProblem(StrEnum):
    NO_SUCH_MAILBOX = "NO_SUCH_MAILBOX"
    NO_EXCHANGE_MAILBOX = "NO_EXCHANGE_MAILBOX"


class MailboxNotFoundError(GraphNotFoundError):
    """The address does not resolve to a mailbox Graph can open."""

    def __init__(
        self,
        message: str,
        *,
        mailbox: str | None,
        problem: MailboxProblem,
        code: str | None = None,
    ) -> None:
        hint = (
            "Check the address; it must be the mailbox's primary SMTP address or UPN."
            if problem is MailboxProblem.NO_SUCH_MAILBOX
            else "The account has no Exchange Online mailbox (unlicensed, inactive or "
            "on-premises); pick another mailbox or license this one."
        )
        super().__init__(message, code=code, hint=hint)
        self.mailbox = mailbox
        self.problem = problem


class MailboxAccessDeniedError(GraphError):
    """An Exchange application access policy (or RBAC for Applications) excludes it."""

    hint = (
        "Add this mailbox to the mail-enabled security group of the app's Exchange "
        "application access policy (or its RBAC for Applications scope); changes can "
        "take an hour."
    )

    def __init__(self, message: str, *, mailbox: str | None, code: str | None = None):
        super().__init__(message, code=code)
        self.mailbox = mailbox


class GraphRequestError(GraphError):
    """Graph refused the request for another reason."""

    hint = "Graph rejected the request; see the message and code."

    def __init__(self, status: int, code: str | None, message: str) -> None:
        super().__init__(
            f"Graph answered {status} {code or ''}: {message}".strip(), code=code
        )
        self.status = status
