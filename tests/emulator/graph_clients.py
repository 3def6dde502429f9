"""The real msgraph-sdk + azure-identity clients, pointed at an emulator.

graph-contract.md §0.2 (option A): the clients keep production URLs
(``https://login.microsoftonline.com``, ``https://graph.microsoft.com/v1.0``);
their transports rewrite those hosts to the emulator's plain-HTTP base URL.

>>> async with graph_client(emulator_url) as client:
...     users = await client.users.get()
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from azure.core.pipeline.transport import AioHttpTransport
from azure.identity.aio import ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph_core import GraphClientFactory

from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID

MICROSOFT_HOSTS = {"login.microsoftonline.com", "graph.microsoft.com"}


def to_emulator(url: str, emulator_url: str) -> str:
    """``url`` with a Microsoft host replaced by the emulator's scheme and host."""
    parts = urlsplit(url)
    if parts.hostname not in MICROSOFT_HOSTS:
        return url
    emu = urlsplit(emulator_url)
    return urlunsplit((emu.scheme, emu.netloc, parts.path, parts.query, parts.fragment))


class EmulatorAioTransport(AioHttpTransport):  # type: ignore[misc]
    """azure-identity (aio) transport sending Entra requests to the emulator."""

    def __init__(self, emulator_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.emulator_url = emulator_url

    async def send(self, request: Any, **kwargs: Any) -> Any:
        request.url = to_emulator(request.url, self.emulator_url)
        return await super().send(request, **kwargs)


class EmulatorGraphTransport(httpx.AsyncHTTPTransport):
    """httpx transport sending Graph requests to the emulator."""

    def __init__(self, emulator_url: str) -> None:
        super().__init__()
        self.emulator_url = emulator_url

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = httpx.URL(to_emulator(str(request.url), self.emulator_url))
        return await super().handle_async_request(request)


@asynccontextmanager
async def graph_client(
    emulator_url: str,
    *,
    tenant_id: str = TENANT_ID,
    client_id: str = CLIENT_ID,
    secret: str = CLIENT_SECRET,
) -> AsyncIterator[GraphServiceClient]:
    """A ``GraphServiceClient`` on a ``ClientSecretCredential``, both closed after."""
    credential = ClientSecretCredential(
        tenant_id, client_id, secret, transport=EmulatorAioTransport(emulator_url)
    )
    http = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(transport=EmulatorGraphTransport(emulator_url))
    )
    adapter = GraphRequestAdapter(
        AzureIdentityAuthenticationProvider(credential), client=http
    )
    adapter.base_url = "https://graph.microsoft.com/v1.0"
    try:
        yield GraphServiceClient(request_adapter=adapter)
    finally:
        await http.aclose()
        await credential.close()
