"""Webhook delivery: the worker that POSTs change and lifecycle notifications.

Producers call :meth:`Notifier.enqueue` (sync, from the event loop) with a target
URL and one notification object. The worker (:meth:`Notifier.run`, owned by the
app's lifespan through :class:`NotifierLifespan`) wakes at once, waits
``gather_seconds`` so notifications arriving together share one POST, groups them
by URL and POSTs ``{"value": [...]}`` to each URL (graph-contract.md §4.3, §4.4).

Delivery rules, as Graph's:

* each POST times out after ``timeout_seconds`` (3 s); 2xx is success;
* a 5xx, a timeout or a refused connection is retried with exponential backoff
  (``first_backoff_seconds`` doubling up to ``max_backoff_seconds``) until
  ``retry_for_seconds`` (Graph: 4 hours) have passed since the first attempt, then
  dropped; any other status (4xx) is final;
* the ``dropNotificationsShare`` fault loses a share of notifications silently.

Every attempt is recorded (:class:`DeliveryAttempt`) for the control API's
``GET /_emulator/notifications``; the record is bounded (oldest forgotten first).
Invariant: a retrying delivery never delays other deliveries (each POST group
runs in its own task of the worker's task group).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from transom.emulator.faults import Faults

logger = logging.getLogger(__name__)


@dataclass
class DeliverySettings:
    """Timing of deliveries; tests shorten ``retry_for_seconds`` via the control API."""

    timeout_seconds: float = 3.0
    gather_seconds: float = 0.05
    first_backoff_seconds: float = 0.5
    max_backoff_seconds: float = 300.0
    retry_for_seconds: float = 4 * 3600.0


@dataclass
class DeliveryAttempt:
    """One POST (or one dropped notification), as the control API lists it."""

    url: str
    kind: str
    notifications: list[dict[str, Any]]
    attempt: int
    at: str
    outcome: str
    status: int | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "value": self.notifications,
            "attempt": self.attempt,
            "at": self.at,
            "outcome": self.outcome,
            "status": self.status,
            "error": self.error,
        }


@dataclass
class _Pending:
    url: str
    kind: str
    notification: dict[str, Any]


@dataclass
class Notifier:
    """Queue and worker for webhook deliveries.

    >>> notifier = Notifier(Faults())
    >>> notifier.enqueue("http://127.0.0.1:9/hook", {"changeType": "created"})
    """

    faults: Faults
    settings: DeliverySettings = field(default_factory=DeliverySettings)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    attempts: deque[DeliveryAttempt] = field(default_factory=lambda: deque(maxlen=5000))
    _pending: deque[_Pending] = field(default_factory=deque)
    _wake: anyio.Event | None = None

    def enqueue(
        self, url: str, notification: dict[str, Any], kind: str = "change"
    ) -> None:
        """Queue one notification for ``url`` (``kind`` change or lifecycle)."""
        if self.faults.drop_notification():
            self._record(url, kind, [notification], 0, "dropped")
            return
        self._pending.append(_Pending(url, kind, notification))
        if self._wake is not None:
            self._wake.set()

    def clear(self) -> None:
        self.attempts.clear()
        self._pending.clear()

    async def run(self) -> None:
        """Deliver forever; cancelled by the owner's task group at shutdown."""
        timeout = httpx.Timeout(self.settings.timeout_seconds)
        async with (
            httpx.AsyncClient(timeout=timeout) as client,
            anyio.create_task_group() as group,
        ):
            while True:
                self._wake = anyio.Event()
                if not self._pending:
                    await self._wake.wait()
                await anyio.sleep(self.settings.gather_seconds)
                for (url, kind), batch in self._take_batches().items():
                    group.start_soon(self._deliver, client, url, kind, batch)

    def _take_batches(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        batches: dict[tuple[str, str], list[dict[str, Any]]] = {}
        while self._pending:
            item = self._pending.popleft()
            batches.setdefault((item.url, item.kind), []).append(item.notification)
        return batches

    async def _deliver(
        self,
        client: httpx.AsyncClient,
        url: str,
        kind: str,
        batch: list[dict[str, Any]],
    ) -> None:
        started = time.monotonic()
        backoff = self.settings.first_backoff_seconds
        attempt = 1
        while True:
            retry = await self._attempt(client, url, kind, batch, attempt)
            elapsed = time.monotonic() - started
            if not retry:
                return
            if elapsed + backoff > self.settings.retry_for_seconds:
                self._record(url, kind, batch, attempt, "abandoned")
                return
            await anyio.sleep(backoff)
            backoff = min(backoff * 2, self.settings.max_backoff_seconds)
            attempt += 1

    async def _attempt(
        self,
        client: httpx.AsyncClient,
        url: str,
        kind: str,
        batch: list[dict[str, Any]],
        attempt: int,
    ) -> bool:
        """POST once; record it; return True when the failure deserves a retry."""
        try:
            response = await client.post(url, json={"value": batch})
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            self._record(url, kind, batch, attempt, "failed", error=error)
            return True
        status = response.status_code
        if 200 <= status < 300:
            self._record(url, kind, batch, attempt, "delivered", status=status)
            return False
        self._record(url, kind, batch, attempt, "failed", status=status)
        return status >= 500

    def _record(
        self,
        url: str,
        kind: str,
        batch: list[dict[str, Any]],
        attempt: int,
        outcome: str,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> None:
        at = self.clock().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        record = DeliveryAttempt(url, kind, batch, attempt, at, outcome, status, error)
        self.attempts.append(record)
        if outcome in ("failed", "abandoned"):
            logger.info("notification to %s %s (%s)", url, outcome, status or error)


class NotifierLifespan:
    """ASGI middleware running the notifier for as long as the app's lifespan lasts.

    The ``lifespan`` scope call spans the app's whole life, so the worker runs in
    a task group around it. It is stopped *before* ``lifespan.shutdown.complete``
    is passed on: the server may tear the loop down right after that message.
    """

    def __init__(self, app: ASGIApp, notifier: Notifier) -> None:
        self.app = app
        self.notifier = notifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        worker_scope = anyio.CancelScope()
        stopped = anyio.Event()

        async def worker() -> None:
            with worker_scope:
                await self._supervise()
            stopped.set()

        async def stop_then_send(message: Message) -> None:
            if message["type"].startswith("lifespan.shutdown."):
                worker_scope.cancel()
                await stopped.wait()
            await send(message)

        async with anyio.create_task_group() as group:
            group.start_soon(worker)
            try:
                await self.app(scope, receive, stop_then_send)
            finally:
                worker_scope.cancel()

    async def _supervise(self) -> None:
        """Run the worker; if it crashes, log and restart it after a pause."""
        while True:
            try:
                await self.notifier.run()
            except Exception:
                logger.exception("notification worker failed; restarting")
            await anyio.sleep(1)


class HandshakeError(Exception):
    """The endpoint failed the validation handshake; ``code``/``message`` as Graph's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


HANDSHAKE_TIMEOUT_SECONDS = 10.0
_NOT_200 = (
    "Subscription validation request failed. "
    "Notification endpoint must respond with 200 OK to validation request."
)
_MISMATCH = (
    "Subscription validation request failed. "
    "Response must exactly match validationToken query parameter."
)


async def validate_endpoint(url: str, token: str) -> None:
    """Graph's handshake: ``POST url?validationToken=…`` must echo the token in 10 s.

    The token travels URL-encoded; the endpoint must answer 200 with the decoded
    token as its body, verbatim. Raises :class:`HandshakeError` otherwise.
    """
    separator = "&" if "?" in url else "?"
    target = f"{url}{separator}{urlencode({'validationToken': token})}"
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    try:
        async with httpx.AsyncClient(timeout=HANDSHAKE_TIMEOUT_SECONDS) as client:
            response = await client.post(target, headers=headers)
    except httpx.TimeoutException as exc:
        message = "Subscription validation request timed out."
        raise HandshakeError("InvalidRequest", message) from exc
    except httpx.HTTPError as exc:
        raise HandshakeError("ValidationError", _NOT_200) from exc
    if response.status_code != 200:
        raise HandshakeError("ValidationError", _NOT_200)
    if response.text != token:
        raise HandshakeError("ValidationError", _MISMATCH)
