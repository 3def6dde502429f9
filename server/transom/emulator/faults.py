"""Injected faults: a mutable :class:`FaultPlan` and the ASGI middleware applying it.

The control API (``POST /_emulator/faults``) replaces the plan; ``DELETE`` clears it.
For every HTTP request whose path starts with ``path_prefix`` (default ``/v1.0/``;
``/_emulator/`` is never affected), if ``mailbox`` is set, addresses that
mailbox, and if ``http_method`` is set, uses that HTTP method (``GET``: reads fail
while writes pass), the middleware:

1. sleeps ``latency_ms``;
2. if ``fail_next`` > 0, answers ``fail_status`` and decrements it (deterministic);
3. else answers 429 with probability ``throttle_share`` or 503 with probability
   ``unavailable_share``, drawn from a ``random.Random(seed)`` so a seeded plan
   gives the same sequence every run.

429 answers are ``TooManyRequests`` and 503 answers ``ServiceUnavailable``, both
with ``Retry-After: retry_after_seconds`` (Graph sends it on 429 and may on 503).
``drop_notifications_share`` is read by the notifier: that share of change and
lifecycle notifications is silently lost (1.0 = all), as a lost webhook would be.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Any

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from transom.emulator.errors import graph_error
from transom.emulator.throttling import mailbox_of

_FAULT_ERRORS = {
    429: ("TooManyRequests", "Please retry again later."),
    500: ("InternalServerError", "An internal server error occurred."),
    502: ("BadGateway", "Bad gateway."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable."),
    504: ("GatewayTimeout", "The gateway did not receive a timely response."),
}


@dataclass
class FaultPlan:
    """What to break, and where.

    >>> FaultPlan.from_json({"throttleShare": 0.5, "seed": 7}).throttle_share
    0.5
    """

    throttle_share: float = 0.0
    unavailable_share: float = 0.0
    latency_ms: int = 0
    retry_after_seconds: int = 1
    fail_next: int = 0
    fail_status: int = 429
    path_prefix: str = "/v1.0/"
    mailbox: str | None = None
    http_method: str | None = None
    seed: int | None = None
    drop_notifications_share: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultPlan:
        """Build from camelCase (or snake_case) JSON; raise ValueError on bad input."""
        known = {camel_case(f.name): f.name for f in fields(cls)}
        known.update({f.name: f.name for f in fields(cls)})
        unknown = set(data) - set(known)
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        plan = cls(**{known[key]: value for key, value in data.items()})
        plan.validate()
        return plan

    def validate(self) -> None:
        for share in (
            self.throttle_share,
            self.unavailable_share,
            self.drop_notifications_share,
        ):
            if not 0.0 <= share <= 1.0:
                raise ValueError("shares must be between 0 and 1")
        if self.fail_status not in _FAULT_ERRORS:
            raise ValueError(f"failStatus must be one of {sorted(_FAULT_ERRORS)}")
        if self.path_prefix.startswith("/_emulator"):
            raise ValueError("the control API cannot be faulted")

    def to_json(self) -> dict[str, Any]:
        return {camel_case(key): value for key, value in asdict(self).items()}


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class Faults:
    """The current plan plus its random source; shared by middleware and notifier."""

    def __init__(self) -> None:
        self.plan = FaultPlan()
        self._random = random.Random()

    def set(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)

    def clear(self) -> None:
        self.set(FaultPlan())

    def applies_to(self, path: str, method: str = "GET") -> bool:
        plan = self.plan
        if path.startswith("/_emulator") or not path.startswith(plan.path_prefix):
            return False
        if plan.http_method and plan.http_method.upper() != method.upper():
            return False
        return plan.mailbox is None or mailbox_of(path) == plan.mailbox.lower()

    def failure_status(self) -> int | None:
        """The status to fail this (matching) request with, or None to let it pass."""
        plan = self.plan
        if plan.fail_next > 0:
            plan.fail_next -= 1
            return plan.fail_status
        draw = self._random.random()
        if draw < plan.throttle_share:
            return 429
        if draw < plan.throttle_share + plan.unavailable_share:
            return 503
        return None

    def drop_notification(self) -> bool:
        share = self.plan.drop_notifications_share
        return share > 0 and self._random.random() < share


class FaultMiddleware:
    """Applies :class:`Faults` to each HTTP request before the app sees it."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.faults.applies_to(
            scope["path"], scope["method"]
        ):
            await self.app(scope, receive, send)
            return
        plan = self.faults.plan
        if plan.latency_ms > 0:
            await anyio.sleep(plan.latency_ms / 1000)
        status = self.faults.failure_status()
        if status is None:
            await self.app(scope, receive, send)
            return
        code, message = _FAULT_ERRORS[status]
        retry_after = {"Retry-After": str(plan.retry_after_seconds)}
        headers = retry_after if status in (429, 503) else {}
        response = graph_error(status, code, message, Request(scope), headers)
        await response(scope, receive, send)
