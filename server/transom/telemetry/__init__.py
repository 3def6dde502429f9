"""What an operator watches: configured logs with request ids, and Prometheus
metrics.

``logs`` configures the standard library's logging (text or JSON lines through
python-json-logger) and holds the request-id context variable; ``request_ids``
is the ASGI middleware that sets it for each HTTP request and websocket;
``instruments`` holds the in-process counters and histograms (prometheus-client),
``push_latency`` the notification → push latency histogram;
``database_metrics`` reads states and depths from the database at scrape time;
``endpoint`` serves ``/metrics``.
"""
