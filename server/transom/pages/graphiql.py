"""GraphiQL at ``/graphql``: off unless ``TRANSOM_GRAPHIQL`` (``transom demo``
turns it on).

When on, a browser opening ``/graphql`` gets Transom's own page, which loads
GraphiQL, React and a small bootstrap script from ``/graphiql/static/`` on
Transom's origin (see :mod:`transom.graphiql.files` for where those files
come from), under the admin UI's Content-Security-Policy (plus ``data:`` fonts,
which GraphiQL's stylesheet embeds): no CDN, no inline script, no eval. When its files are missing the page says which command fetches them.
When off, the page says so. API clients are unaffected either way.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from transom.admin_auth.forms import CONTENT_SECURITY_POLICY, secure_headers
from transom.graphiql.files import (
    FETCH_COMMAND,
    graphiql_dir,
    missing_files,
    static_dir,
)

STATIC_PATH = "/graphiql/static"
# The admin UI's policy, plus the fonts GraphiQL's stylesheet embeds as data: URLs.
IDE_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY + "; font-src 'self' data:"

OFF_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is off</title></head>
<body><h1>GraphiQL is off</h1>
<p>This is Transom's GraphQL endpoint. Send <code>POST /graphql</code> with a
bearer token, or turn the in-browser IDE on with
<code>TRANSOM_GRAPHIQL=true</code> (meant for development).
The exported schema is <code>schema/schema.graphql</code>.</p>
</body></html>
"""

MISSING_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title>
</head><body><h1>GraphiQL's files are missing</h1>
<p>GraphiQL is on, but its browser files are not in this installation. In a
source checkout, run <code>{FETCH_COMMAND}</code> once (it needs npm); a wheel
carries them. <code>POST /graphql</code> works without them.</p>
</body></html>
"""

IDE_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Transom GraphiQL</title>
<link rel="stylesheet" href="{STATIC_PATH}/vendor/graphiql.min.css">
<link rel="stylesheet" href="{STATIC_PATH}/transom-graphiql.css">
</head><body><div id="graphiql">Loading GraphiQL…</div>
<script src="{STATIC_PATH}/vendor/react.production.min.js"></script>
<script src="{STATIC_PATH}/vendor/react-dom.production.min.js"></script>
<script src="{STATIC_PATH}/vendor/graphiql.min.js"></script>
<script src="{STATIC_PATH}/transom-graphiql.js"></script>
</body></html>
"""


def graphiql_routes(assets_dir: Path, *, enabled: bool) -> list[BaseRoute]:
    """GraphiQL's files, served only while it is on."""
    if not enabled:
        return []
    files = StaticFiles(directory=static_dir(graphiql_dir(assets_dir)), check_dir=False)
    return [Mount(STATIC_PATH, files)]


class GraphiQLSwitch:
    """Passes everything to the GraphQL app, except a browser's page request,
    which gets GraphiQL (or why not)."""

    def __init__(self, graphql: ASGIApp, *, enabled: bool, assets_dir: Path) -> None:
        self.graphql = graphql
        self.enabled = enabled
        self.assets_dir = assets_dir

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _wants_the_ide(scope):
            await self.graphql(scope, receive, send)
            return
        if not self.enabled:
            response = HTMLResponse(OFF_PAGE, status_code=404)
        elif missing_files(graphiql_dir(self.assets_dir)):
            response = HTMLResponse(MISSING_PAGE, status_code=503)
        else:
            response = HTMLResponse(IDE_PAGE)
        secure_headers(response)
        if response.status_code == 200:
            response.headers["content-security-policy"] = IDE_CONTENT_SECURITY_POLICY
        await response(scope, receive, send)


def _wants_the_ide(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    if b"query=" in scope.get("query_string", b""):
        return False
    accept = dict(scope.get("headers", ())).get(b"accept", b"")
    return b"text/html" in accept or b"*/*" in accept
