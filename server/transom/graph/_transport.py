"""Transports that route Microsoft's canonical hosts to configured URLs, and count requests.

The credential and the SDK always use ``https://login.microsoftonline.com`` and
``https://graph.microsoft.com/v1.0`` (graph-contract.md §0.2, "Option A"): MSAL
needs no discovery tweaks, kiota's https rule passes, scopes and links stay as
in production. These transports rewrite a request for a canonical host to the
configured URL just before it is sent. With the default endpoints the route table
is empty and nothing is rewritten. Registered :class:`RequestObserver` objects
hear every response's status (metrics), so nothing here imports above graph/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from azure.core.pipeline.transport import AioHttpTransport

CANONICAL_GRAPH_URL = "https://graph.microsoft.com/v1.0"
CANONICAL_AUTHORITY_URL = "https://login.microsoftonline.com"


@dataclass(frozen=True)
class GraphEndpoints:
    """Where Graph and Entra ID live; a URL without a path keeps the request's path.

    Example: ``GraphEndpoints("http://127.0.0.1:8001", "http://127.0.0.1:8001")``.
    """

    graph_url: str = CANONICAL_GRAPH_URL
    authority_url: str = CANONICAL_AUTHORITY_URL

    def routes(self) -> tuple[tuple[str, str], ...]:
        """(canonical prefix, replacement) pairs; empty in production."""
        found = []
        for canonical, configured in (
            (CANONICAL_GRAPH_URL, self.graph_url),
            (CANONICAL_AUTHORITY_URL, self.authority_url),
        ):
            target = configured.rstrip("/")
            if target == canonical:
                continue
            if not httpx.URL(target).path.strip("/"):
                canonical = str(httpx.URL(canonical).copy_with(path="")).rstrip("/")
            found.append((canonical, target))
        return tuple(found)


def route(url: str, routes: tuple[tuple[str, str], ...]) -> str:
    """``url`` with a canonical prefix replaced by its configured target."""
    for canonical, target in routes:
        if url == canonical or url.startswith((canonical + "/", canonical + "?")):
            return target + url[len(canonical) :]
    return url


class RequestCounter:
    """Counts HTTP requests actually sent (retries included), e.g. for benchmarks."""

    def __init__(self) -> None:
        self.graph_requests = 0
        self.token_requests = 0

    @property
    def total(self) -> int:
        return self.graph_requests + self.token_requests


class RequestObserver(Protocol):
    """Told the HTTP status of every Graph and token response (0: none came),
    e.g. to export metrics; registered with :func:`observe_requests`."""

    def graph_response(self, status: int) -> None: ...

    def token_response(self, status: int) -> None: ...


_observers: list[RequestObserver] = []


def observe_requests(observer: RequestObserver) -> None:
    """Tell ``observer`` about every response from now on (in this process)."""
    if observer not in _observers:
        _observers.append(observer)


def stop_observing_requests(observer: RequestObserver) -> None:
    if observer in _observers:
        _observers.remove(observer)


def _notify_graph(status: int) -> None:
    for observer in _observers:
        observer.graph_response(status)


def _notify_token(status: int) -> None:
    for observer in _observers:
        observer.token_response(status)


class RoutingGraphTransport(httpx.AsyncHTTPTransport):
    """httpx transport for msgraph-sdk: routes and counts every Graph request."""

    def __init__(
        self,
        routes: tuple[tuple[str, str], ...],
        counter: RequestCounter | None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self._routes = routes
        self._counter = counter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._routes:
            request.url = httpx.URL(route(str(request.url), self._routes))
        if self._counter is not None:
            self._counter.graph_requests += 1
        try:
            response = await super().handle_async_request(request)
        except httpx.TransportError:
            _notify_graph(0)
            raise
        _notify_graph(response.status_code)
        return response


class RoutingAuthTransport(AioHttpTransport):  # type: ignore[misc]  # lazy export: Any
    """aiohttp transport for azure.identity.aio: routes and counts token requests."""

    def __init__(
        self,
        routes: tuple[tuple[str, str], ...],
        counter: RequestCounter | None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self._routes = routes
        self._counter = counter

    async def send(self, request: Any, **kwargs: Any) -> Any:
        if self._routes:
            request.url = route(request.url, self._routes)
        if self._counter is not None:
            self._counter.token_requests += 1
        try:
            response = await super().send(request, **kwargs)
        except Exception:
            _notify_token(0)
            raise
        _notify_token(int(getattr(response, "status_code", 0)))
        return response
