"""GraphiQL is off unless TRANSOM_GRAPHIQL (the demo turns it on)."""

from __future__ import annotations

import dataclasses

import httpx

from tests.servers import serve_in_thread
from transom.app import create_app
from transom.cli.demo import demo_settings
from transom.settings import Settings

HTML = {"Accept": "text/html,application/xhtml+xml"}


def test_a_browser_opening_graphql_is_told_graphiql_is_off(server: str) -> None:
    page = httpx.get(f"{server}/graphql", headers=HTML)
    api = httpx.post(f"{server}/graphql", json={"query": "{ __typename }"})
    assert page.status_code == 404
    assert "TRANSOM_GRAPHIQL=true" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "<script" not in page.text
    assert api.json() == {"data": {"__typename": "Query"}}


def test_graphiql_is_served_when_turned_on(settings: Settings) -> None:
    on = dataclasses.replace(settings, graphiql=True)
    with serve_in_thread(create_app(on)) as base:
        page = httpx.get(f"{base}/graphql", headers=HTML)
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_the_demo_turns_graphiql_on(settings: Settings) -> None:
    assert not settings.graphiql
    assert demo_settings(settings, "127.0.0.1", 8000, 8001).graphiql
