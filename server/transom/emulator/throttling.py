"""Exchange Online's per-mailbox throttling, as a pure ASGI middleware.

Graph applies Outlook limits per *application id + mailbox* (graph-contract.md §7.3):

* at most ``concurrency`` (4) requests in flight; the next one is answered
  ``429 ApplicationThrottled`` "Application is over its MailboxConcurrency limit."
  with ``Retry-After``;
* at most ``requests_per_window`` (10,000) requests per ``window_seconds`` (600);
  beyond that ``429 TooManyRequests`` with ``Retry-After`` = seconds until the
  oldest request of the window ages out.

Only paths ``/v1.0/users/{id}/...`` name a mailbox (``%40`` decoded, compared
case-insensitively, and mapped by an optional resolver so a GUID and an address
of the same mailbox share one budget); other paths pass untouched. The app id
and tenant come from the bearer token's ``appid``/``tid`` claims, read *without*
verifying the signature: the route still verifies the token, throttling only
needs a key.
Invariant: a throttled request never reaches the app and never counts against
the budget; every admitted request releases its concurrency slot, even on error.

The middleware also tallies every request per normalised path
(:class:`RequestTally`) for the control API's ``/_emulator/stats``.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import jwt
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from transom.emulator.errors import graph_error

MailboxResolver = Callable[[str, str], str]
"""(tenant id, id or address from the path) -> one key per mailbox."""

CONCURRENCY_MESSAGE = "Application is over its MailboxConcurrency limit."
BUDGET_MESSAGE = "Please retry again later."
_ID_SEGMENT = re.compile(r"[@%]|[0-9]|^[A-Za-z0-9_=+-]{20,}$")
_NAMED_SEGMENTS = {
    "users",
    "events",
    "calendar",
    "calendars",
    "calendarView",
    "subscriptions",
    "places",
    "mailboxSettings",
    "instances",
    "oauth2",
    "v2.0",
}


@dataclass
class ThrottleLimits:
    """Exchange's limits per app and mailbox; the control API may tune them."""

    concurrency: int = 4
    requests_per_window: int = 10_000
    window_seconds: float = 600.0
    concurrency_retry_after: int = 1


@dataclass
class _MailboxUsage:
    in_flight: int = 0
    admitted: deque[float] = field(default_factory=deque)


class Throttle:
    """Counts in-flight and recent requests per (tenant, app, mailbox) key.

    >>> throttle = Throttle(ThrottleLimits(concurrency=1))
    >>> throttle.admit(("t", "app", "room1@contoso.com"), now=0.0) is None
    True
    >>> throttle.admit(("t", "app", "room1@contoso.com"), now=0.0)[0]
    'ApplicationThrottled'
    """

    def __init__(self, limits: ThrottleLimits | None = None) -> None:
        self.limits = limits or ThrottleLimits()
        self._usage: dict[tuple[str, str, str], _MailboxUsage] = {}

    def admit(
        self, key: tuple[str, str, str], now: float
    ) -> tuple[str, str, int] | None:
        """Take a slot for ``key``, or return (code, message, retry_after) to refuse."""
        usage = self._usage.setdefault(key, _MailboxUsage())
        window_start = now - self.limits.window_seconds
        while usage.admitted and usage.admitted[0] <= window_start:
            usage.admitted.popleft()
        if usage.in_flight >= self.limits.concurrency:
            retry = self.limits.concurrency_retry_after
            return "ApplicationThrottled", CONCURRENCY_MESSAGE, retry
        if len(usage.admitted) >= self.limits.requests_per_window:
            retry = math.ceil(usage.admitted[0] - window_start)
            return "TooManyRequests", BUDGET_MESSAGE, max(retry, 1)
        usage.in_flight += 1
        usage.admitted.append(now)
        return None

    def release(self, key: tuple[str, str, str]) -> None:
        self._usage[key].in_flight -= 1

    def reset(self) -> None:
        self._usage.clear()


class RequestTally:
    """Requests seen per ``METHOD /normalised/path`` (ids replaced by ``{id}``)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def record(self, method: str, path: str) -> None:
        self.counts[f"{method} {normalised_path(path)}"] += 1

    def reset(self) -> None:
        self.counts.clear()


def normalised_path(path: str) -> str:
    """``/v1.0/users/a%40b.com/events/AAMk=`` -> ``/v1.0/users/{id}/events/{id}``."""
    segments = [s for s in path.split("/") if s]
    out = [
        s
        if s in _NAMED_SEGMENTS or s == "v1.0" or not _ID_SEGMENT.search(s)
        else "{id}"
        for s in segments
    ]
    return "/" + "/".join(out)


def mailbox_of(path: str) -> str | None:
    """The mailbox a Graph path addresses (``/v1.0/users/{id}/<more>``), lower-cased."""
    segments = [s for s in path.split("/") if s]
    if len(segments) >= 4 and segments[0] == "v1.0" and segments[1].lower() == "users":
        return unquote(segments[2]).lower()
    return None


def token_claims(scope: Scope) -> dict[str, object]:
    """The bearer token's claims, unverified; empty when absent or unreadable."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer":
                return {}
            try:
                claims: dict[str, object] = jwt.decode(
                    token, options={"verify_signature": False}
                )
            except jwt.PyJWTError:
                return {}
            return claims
    return {}


class ThrottlingMiddleware:
    """Answers 429 for a mailbox over its Exchange limits; tallies every request."""

    def __init__(
        self,
        app: ASGIApp,
        throttle: Throttle,
        tally: RequestTally,
        canonical: MailboxResolver | None = None,
    ) -> None:
        self.app = app
        self.throttle = throttle
        self.tally = tally
        self.canonical = canonical

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.tally.record(scope["method"], scope["path"])
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        refusal = self.throttle.admit(key, time.monotonic())
        if refusal is not None:
            code, message, retry_after = refusal
            headers = {"Retry-After": str(retry_after)}
            response = graph_error(429, code, message, Request(scope), headers)
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.throttle.release(key)

    def _key(self, scope: Scope) -> tuple[str, str, str] | None:
        mailbox = mailbox_of(scope["path"])
        if mailbox is None:
            return None
        claims = token_claims(scope)
        app_id = claims.get("appid") or claims.get("azp")
        if not isinstance(app_id, str):
            return None
        tenant_id = str(claims.get("tid", ""))
        if self.canonical is not None:
            mailbox = self.canonical(tenant_id, mailbox)
        return tenant_id, app_id, mailbox
