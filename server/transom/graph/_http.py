"""The one place Graph requests are sent: limits, raw JSON, paging and error translation.

Requests are built by msgraph-sdk request builders (URLs, query strings, SDK
model bodies) or from raw links; responses are read as JSON and handed to the
pure converters. Invariants:
- at most ``per_mailbox`` requests in flight per mailbox (Exchange allows 4) and
  ``total`` overall; a mailbox waits for its own slot before taking a global one;
- every failure leaves as a ``GraphError`` (errors.py), chained ``from`` its cause;
- a page's ``@odata.nextLink`` is followed verbatim, never re-parameterised.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from azure.core.exceptions import AzureError
from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph.graph_service_client import GraphServiceClient

from transom.graph._classify import translate
from transom.graph._json import loads_object

ERROR_MAP: dict[str, Any] = {"XXX": ODataError}
UTC_PREFERENCE = 'outlook.timezone="UTC"'


@dataclass(frozen=True)
class GraphLimits:
    """Concurrency and time limits of one tenant client."""

    per_mailbox: int = 4
    total: int = 32
    timeout_seconds: float = 30.0
    max_retries: int = 3


class GraphHttp:
    """Sends requests through the authenticated SDK adapter."""

    def __init__(self, adapter: GraphRequestAdapter, limits: GraphLimits) -> None:
        self.adapter = adapter
        self.sdk = GraphServiceClient(request_adapter=adapter)
        self._limits = limits
        self._total = anyio.Semaphore(limits.total)
        self._mailboxes: dict[str, anyio.Semaphore] = {}

    async def json(
        self, info: RequestInformation, *, mailbox: str | None = None
    ) -> dict[str, Any]:
        """Send ``info``; the response body as a JSON object (``{}`` if empty)."""
        async with self._slot(mailbox), self._translated(mailbox):
            content = await self.adapter.send_primitive_async(info, "bytes", ERROR_MAP)
        return loads_object(content)

    async def no_content(
        self, info: RequestInformation, *, mailbox: str | None = None
    ) -> None:
        async with self._slot(mailbox), self._translated(mailbox):
            await self.adapter.send_no_response_content_async(info, ERROR_MAP)

    async def pages(
        self,
        info: RequestInformation,
        *,
        mailbox: str | None = None,
        prefer: str | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every page from ``info`` on, following ``@odata.nextLink``."""
        while True:
            page = await self.json(info, mailbox=mailbox)
            yield page
            link = page.get("@odata.nextLink")
            if not isinstance(link, str) or not link:
                return
            info = link_request(link, prefer)

    async def values(
        self,
        info: RequestInformation,
        *,
        mailbox: str | None = None,
        prefer: str | None = None,
    ) -> list[dict[str, Any]]:
        """The ``value`` items of every page."""
        found: list[dict[str, Any]] = []
        async for page in self.pages(info, mailbox=mailbox, prefer=prefer):
            found.extend(v for v in page.get("value") or () if isinstance(v, dict))
        return found

    @asynccontextmanager
    async def _slot(self, mailbox: str | None) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if mailbox:
                key = mailbox.lower()
                if key not in self._mailboxes:
                    self._mailboxes[key] = anyio.Semaphore(self._limits.per_mailbox)
                await stack.enter_async_context(self._mailboxes[key])
            await stack.enter_async_context(self._total)
            yield

    @asynccontextmanager
    async def _translated(self, mailbox: str | None) -> AsyncIterator[None]:
        try:
            yield
        except (APIError, AzureError, httpx.HTTPError) as exc:
            error = translate(exc, mailbox=mailbox)
            if error is None:
                raise
            raise error from exc


def link_request(link: str, prefer: str | None = None) -> RequestInformation:
    """A GET for a nextLink/deltaLink, verbatim."""
    info = RequestInformation(Method.GET)
    info.url = link
    info.headers.try_add("Accept", "application/json")
    if prefer:
        info.headers.try_add("Prefer", prefer)
    return info


def json_request(method: Method, path: str, body: dict[str, Any]) -> RequestInformation:
    """A request to ``{baseurl}{path}`` with a raw JSON body (for $batch)."""
    info = RequestInformation(method, "{+baseurl}" + path)
    info.headers.try_add("Accept", "application/json")
    info.set_stream_content(_dump(body), "application/json")
    return info


def action_request(builder: Any, body: dict[str, Any]) -> RequestInformation:
    """POST to an SDK builder's URL with a documented camelCase JSON body.

    msgraph-sdk serializes action parameters in PascalCase (``"Schedules"``,
    ``"SendResponse"``), as Graph's metadata names them; the docs and most
    servers use camelCase, which Graph accepts too.
    """
    info = RequestInformation(
        Method.POST, builder.url_template, builder.path_parameters
    )
    info.headers.try_add("Accept", "application/json")
    info.set_stream_content(_dump(body), "application/json")
    return info


def prefer(*values: str) -> str:
    """Graph wants one ``Prefer`` header with comma-separated preferences."""
    return ", ".join(v for v in values if v)


def _dump(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def configured(
    query: Any = None, *, prefer_header: str | None = None
) -> RequestConfiguration[Any]:
    """Request configuration for an SDK builder: typed query options, ``Prefer``."""
    config: RequestConfiguration[Any] = RequestConfiguration(query_parameters=query)
    if prefer_header:
        config.headers.add("Prefer", prefer_header)
    return config
