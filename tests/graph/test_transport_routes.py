"""Canonical Microsoft URLs are routed to configured endpoints, never in production."""

from __future__ import annotations

from transom.graph._transport import GraphEndpoints, route


def test_production_endpoints_rewrite_nothing():
    assert GraphEndpoints().routes() == ()


def test_bare_host_keeps_the_request_path():
    # given
    routes = GraphEndpoints("http://127.0.0.1:8001", "http://127.0.0.1:8001").routes()

    # then
    assert (
        route("https://graph.microsoft.com/v1.0/users/a%40b/events?$top=1", routes)
        == "http://127.0.0.1:8001/v1.0/users/a%40b/events?$top=1"
    )
    assert (
        route("https://login.microsoftonline.com/tid/oauth2/v2.0/token", routes)
        == "http://127.0.0.1:8001/tid/oauth2/v2.0/token"
    )


def test_graph_url_with_a_path_replaces_the_version_root():
    # given
    routes = GraphEndpoints("http://emulator:8080/v1.0/").routes()

    # then
    assert (
        route("https://graph.microsoft.com/v1.0/$batch", routes)
        == "http://emulator:8080/v1.0/$batch"
    )
    assert route("https://example.com/v1.0/x", routes) == "https://example.com/v1.0/x"
