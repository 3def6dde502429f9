"""In-process counters, gauges and histograms (prometheus-client).

States and depths that the database holds (mailbox sync, outbox, displays) are
read at scrape time instead (:mod:`transom.telemetry.database_metrics`).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge

GRAPH_REQUESTS = Counter(
    "transom_graph_requests",
    "Requests sent to Microsoft Graph (retries included), by HTTP status "
    "(0: no response).",
    ["status"],
)
TOKEN_REQUESTS = Counter(
    "transom_token_requests",
    "Token requests sent to Entra ID, by HTTP status (0: no response).",
    ["status"],
)
TOKEN_FAILURES = Counter(
    "transom_token_failures",
    "Token requests Entra ID refused or that got no answer.",
)
WEBSOCKET_CONNECTIONS = Gauge(
    "transom_websocket_connections",
    "Open websocket connections (admin UI and door displays).",
)


class GraphRequestMetrics:
    """The Graph adapter's request observer (see transom.graph.observe_requests)."""

    def graph_response(self, status: int) -> None:
        GRAPH_REQUESTS.labels(status=str(status)).inc()

    def token_response(self, status: int) -> None:
        TOKEN_REQUESTS.labels(status=str(status)).inc()
        if not 200 <= status < 300:
            TOKEN_FAILURES.inc()
