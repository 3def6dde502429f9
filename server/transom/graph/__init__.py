"""The Microsoft Graph adapter: the only package that imports msgraph-sdk and azure-identity.

It speaks Transom's terms (``transom.domain`` values) and raises the typed errors
of :mod:`transom.graph.errors`. Build one ``GraphTenantClient`` per tenant with
``open_graph_client``; point it at another Graph (the emulator) with
``GraphEndpoints`` only.
"""

from transom.graph._http import GraphLimits
from transom.graph._transport import (
    GraphEndpoints,
    RequestCounter,
    RequestObserver,
    observe_requests,
    route,
    stop_observing_requests,
)
from transom.graph.batch import (
    BatchItem,
    BatchResult,
    batch_create_event,
    batch_delete_event,
    batch_update_automatic_replies,
    batch_update_event,
    chunk_batch,
)
from transom.graph.client import GraphTenantClient, open_graph_client
from transom.graph.connection import (
    ClientCertificateCredentials,
    ClientSecretCredentials,
    GraphCredentials,
)
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

__all__ = [
    "BatchItem",
    "BatchResult",
    "ClientCertificateCredentials",
    "ClientSecretCredentials",
    "DeltaExpiredError",
    "GraphAuthError",
    "GraphAuthKind",
    "GraphCredentials",
    "GraphEndpoints",
    "GraphError",
    "GraphLimits",
    "GraphNotFoundError",
    "GraphRequestError",
    "GraphTenantClient",
    "GraphThrottledError",
    "GraphTransientError",
    "MailboxAccessDeniedError",
    "MailboxNotFoundError",
    "MailboxProblem",
    "RequestCounter",
    "RequestObserver",
    "batch_create_event",
    "batch_delete_event",
    "batch_update_automatic_replies",
    "batch_update_event",
    "chunk_batch",
    "observe_requests",
    "open_graph_client",
    "route",
    "stop_observing_requests",
]
