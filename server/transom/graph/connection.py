"""Build one authenticated Graph client per tenant: credential, transports, SDK adapter.

Wiring (graph-contract.md §0): ``azure.identity.aio`` credential (client secret
or PEM certificate) on a routing aiohttp transport → kiota
``AzureIdentityAuthenticationProvider`` with the Graph ``.default`` scope →
``GraphRequestAdapter`` over ``GraphClientFactory``'s middleware (retry honouring
Retry-After, redirects, telemetry) around a routing, counting httpx transport.
The adapter's base URL is always the canonical one; only the transports know
where requests really go. Never branch on "is this the emulator".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from azure.identity.aio import CertificateCredential, ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.middleware.options.retry_handler_option import RetryHandlerOption
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph_core import GraphClientFactory

from transom.graph._http import GraphLimits
from transom.graph._transport import (
    CANONICAL_GRAPH_URL,
    GraphEndpoints,
    RequestCounter,
    RoutingAuthTransport,
    RoutingGraphTransport,
)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@dataclass(frozen=True)
class ClientSecretCredentials:
    """An app registration's client secret *value* (not its Secret ID)."""

    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class ClientCertificateCredentials:
    """A PEM holding the private key and the certificate uploaded to the app."""

    tenant_id: str
    client_id: str
    certificate_pem: bytes = field(repr=False)
    password: bytes | None = field(default=None, repr=False)


GraphCredentials = ClientSecretCredentials | ClientCertificateCredentials


class SingleFlightCredential:
    """Serialises ``get_token`` so concurrent first requests share one token request.

    azure-identity's aio credentials cache tokens but do not coalesce concurrent
    cache misses: without this, N requests started together fetch N tokens.
    """

    def __init__(self, inner: AsyncTokenCredential) -> None:
        self._inner = inner
        self._lock = anyio.Lock()

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        async with self._lock:
            return await self._inner.get_token(
                *scopes,
                claims=claims,
                tenant_id=tenant_id,
                enable_cae=enable_cae,
                **kwargs,
            )

    async def close(self) -> None:
        await self._inner.close()

    async def __aenter__(self) -> SingleFlightCredential:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


@dataclass
class GraphConnection:
    """The pieces one tenant client owns and must close."""

    credential: SingleFlightCredential
    http: httpx.AsyncClient
    adapter: GraphRequestAdapter

    async def aclose(self) -> None:
        try:
            await self.http.aclose()
        finally:
            await self.credential.close()


def connect(
    credentials: GraphCredentials,
    endpoints: GraphEndpoints,
    limits: GraphLimits,
    counter: RequestCounter | None = None,
) -> GraphConnection:
    """Build (without any I/O) the credential, HTTP client and SDK request adapter."""
    routes = endpoints.routes()
    credential = SingleFlightCredential(
        build_credential(
            credentials, RoutingAuthTransport(routes, counter), limits.max_retries
        )
    )
    http = GraphClientFactory.create_with_default_middleware(
        client=_http_client(routes, counter, limits),
        options={
            RetryHandlerOption.get_key(): RetryHandlerOption(
                max_retries=limits.max_retries
            )
        },
    )
    auth = AzureIdentityAuthenticationProvider(credential, scopes=[GRAPH_SCOPE])
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = CANONICAL_GRAPH_URL
    return GraphConnection(credential=credential, http=http, adapter=adapter)


def build_credential(
    credentials: GraphCredentials, transport: RoutingAuthTransport, retries: int = 3
) -> AsyncTokenCredential:
    """The azure.identity.aio credential for a secret or a PEM certificate."""
    if isinstance(credentials, ClientSecretCredentials):
        return ClientSecretCredential(
            credentials.tenant_id,
            credentials.client_id,
            credentials.client_secret,
            transport=transport,
            retry_total=retries,
        )
    return CertificateCredential(
        credentials.tenant_id,
        credentials.client_id,
        certificate_data=credentials.certificate_pem,
        password=credentials.password,
        transport=transport,
        retry_total=retries,
    )


def _http_client(
    routes: tuple[tuple[str, str], ...],
    counter: RequestCounter | None,
    limits: GraphLimits,
) -> httpx.AsyncClient:
    transport = RoutingGraphTransport(
        routes, counter, limits=httpx.Limits(max_connections=limits.total)
    )
    timeout = httpx.Timeout(
        limits.timeout_seconds, connect=min(10.0, limits.timeout_seconds)
    )
    return httpx.AsyncClient(transport=transport, timeout=timeout)
