"""``GraphTenantClient``: every Graph operation Transom uses, for one tenant.

Life cycle: ``open_graph_client(...)`` builds it without I/O; ``async with`` it
(or ``await client.aclose()``) to close the credential's aiohttp session and the
httpx client. The first request fetches a token; tokens are cached by the
credential. One client per tenant; share it between tasks (it limits itself to
4 concurrent requests per mailbox and ``GraphLimits.total`` overall).
"""

from __future__ import annotations

from types import TracebackType

from transom.graph._http import GraphHttp, GraphLimits
from transom.graph._transport import GraphEndpoints, RequestCounter
from transom.graph.batch import BatchOperations
from transom.graph.calendar_reads import CalendarReadOperations
from transom.graph.calendar_writes import CalendarWriteOperations
from transom.graph.connection import GraphConnection, GraphCredentials, connect
from transom.graph.directory import DirectoryOperations
from transom.graph.mailbox_settings import MailboxSettingsOperations
from transom.graph.subscriptions import SubscriptionOperations


class GraphTenantClient(
    DirectoryOperations,
    CalendarReadOperations,
    CalendarWriteOperations,
    SubscriptionOperations,
    MailboxSettingsOperations,
    BatchOperations,
):
    """Typed Graph operations returning domain values.

    Example::

        async with open_graph_client(creds, GraphEndpoints()) as graph:
            rooms = await graph.fetch_rooms()
    """

    def __init__(self, connection: GraphConnection, limits: GraphLimits) -> None:
        self._connection = connection
        self._http = GraphHttp(connection.adapter, limits)

    async def __aenter__(self) -> GraphTenantClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._connection.aclose()


def open_graph_client(
    credentials: GraphCredentials,
    endpoints: GraphEndpoints | None = None,
    *,
    request_counter: RequestCounter | None = None,
    limits: GraphLimits | None = None,
) -> GraphTenantClient:
    """A client for one tenant; use it with ``async with``."""
    limits = limits or GraphLimits()
    connection = connect(
        credentials, endpoints or GraphEndpoints(), limits, request_counter
    )
    return GraphTenantClient(connection, limits)
