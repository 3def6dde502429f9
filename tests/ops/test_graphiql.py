"""GraphiQL is off unless TRANSOM_GRAPHIQL (the demo turns it on); when on it is
served from Transom's own origin under the admin UI's CSP, and works offline."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Route, expect, sync_playwright

from tests.conftest import CHROMIUM
from tests.servers import serve_in_thread
from transom.admin_auth.forms import CONTENT_SECURITY_POLICY
from transom.api.build import transom_version
from transom.app import create_app
from transom.check.run import run_check
from transom.cli.demo import demo_settings
from transom.graphiql.files import FETCH_COMMAND, graphiql_dir, missing_files
from transom.settings import Settings

HTML = {"Accept": "text/html,application/xhtml+xml"}
TOKEN = "graphiql-test-token"


def test_a_browser_opening_graphql_is_told_graphiql_is_off(server: str) -> None:
    page = httpx.get(f"{server}/graphql", headers=HTML)
    api = httpx.post(f"{server}/graphql", json={"query": "{ __typename }"})
    script = httpx.get(f"{server}/graphiql/static/transom-graphiql.js")
    assert page.status_code == 404
    assert "TRANSOM_GRAPHIQL=true" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "<script" not in page.text
    assert api.json() == {"data": {"__typename": "Query"}}
    assert script.status_code == 404


def test_the_demo_turns_graphiql_on(settings: Settings) -> None:
    assert not settings.graphiql
    assert demo_settings(settings, "127.0.0.1", 8000, 8001).graphiql


@pytest.fixture
def graphiql_on(settings: Settings) -> Iterator[str]:
    if missing_files(graphiql_dir(settings.assets_dir)):
        message = f"GraphiQL's files are missing: run `{FETCH_COMMAND}`"
        if os.environ.get("TRANSOM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    on = dataclasses.replace(settings, graphiql=True)
    with serve_in_thread(create_app(on)) as base:
        yield base


def test_graphiql_is_served_from_transom_under_its_csp(graphiql_on: str) -> None:
    page = httpx.get(f"{graphiql_on}/graphql", headers=HTML)
    bundle = httpx.get(f"{graphiql_on}/graphiql/static/vendor/graphiql.min.js")
    csp = page.headers["content-security-policy"]
    assert page.status_code == 200
    assert csp.startswith(CONTENT_SECURITY_POLICY)  # the admin UI's
    assert "script-src 'self';" in csp
    assert "unsafe" not in csp
    assert "<script>" not in page.text  # no inline script
    assert "https://" not in page.text
    assert bundle.status_code == 200
    assert "javascript" in bundle.headers["content-type"]


@pytest.mark.browser
def test_graphiql_runs_a_query_with_a_token_and_nothing_from_outside(
    graphiql_on: str,
) -> None:
    outside: list[str] = []
    sent: list[dict[str, str]] = []
    refused: list[str] = []

    def only_transom(route: Route) -> None:
        request = route.request
        if not request.url.startswith(graphiql_on):
            outside.append(request.url)
            route.abort()
            return
        if request.method == "POST":
            sent.append(request.headers)
        route.continue_()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.route("**/*", only_transom)
            page.on(
                "console",
                lambda m: (
                    refused.append(m.text)
                    if "Content Security Policy" in m.text
                    else None
                ),
            )
            page.goto(f"{graphiql_on}/graphql")
            _run_with_token(page)
            response = page.locator(".graphiql-response")
            expect(response).to_contain_text(f'"version": "{transom_version()}"')
        finally:
            browser.close()
    assert outside == []
    assert refused == []
    assert any(h.get("authorization") == f"Bearer {TOKEN}" for h in sent)


def _run_with_token(page: Page) -> None:
    """The welcome query is `{ build { version } }`; add the header, run it."""
    expect(
        page.get_by_role("button", name="Execute query (Ctrl-Enter)")
    ).to_be_visible()
    page.get_by_role("button", name="Headers", exact=True).click()
    page.locator(".graphiql-editor-tool .graphiql-editor:visible").click()
    page.keyboard.insert_text(f'{{"Authorization": "Bearer {TOKEN}"}}')
    page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()


@pytest.fixture
def without_graphiql(settings: Settings, tmp_path: Path) -> Settings:
    """An assets folder like the checkout's, GraphiQL's files left out."""
    assets = tmp_path / "assets"
    for folder in ("web", "signage", "schema"):
        shutil.copytree(settings.assets_dir / folder, assets / folder)
    return dataclasses.replace(settings, assets_dir=assets)


def test_missing_files_are_named_by_the_page_and_readyz(
    without_graphiql: Settings,
) -> None:
    on = dataclasses.replace(without_graphiql, graphiql=True)
    with serve_in_thread(create_app(on)) as base:
        page = httpx.get(f"{base}/graphql", headers=HTML)
        ready = httpx.get(f"{base}/readyz")
    assert page.status_code == 503
    assert FETCH_COMMAND in page.text
    assert ready.status_code == 503
    (problem,) = ready.json()["problems"]
    assert problem.startswith("FAIL graphiql: on, but graphiql.min.js")
    assert FETCH_COMMAND in problem


def test_missing_files_do_not_matter_while_graphiql_is_off(
    without_graphiql: Settings,
) -> None:
    with serve_in_thread(create_app(without_graphiql)) as base:
        ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 200


@pytest.mark.anyio
async def test_transom_check_names_missing_files(without_graphiql: Settings) -> None:
    on = dataclasses.replace(without_graphiql, graphiql=True)
    lines = [finding.line() for finding in await run_check(on)]
    problem = next(line for line in lines if line.startswith("FAIL graphiql"))
    assert f"Fix: run `{FETCH_COMMAND}`" in problem
