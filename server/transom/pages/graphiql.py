"""GraphiQL at ``/graphql``: off unless ``TRANSOM_GRAPHIQL`` (``transom demo``
turns it on).

No maintained PyPI package ships GraphiQL's built assets (the one that does,
graphene-django-graphiql-static, is a single-author Django add-on last released
in 2024), and code downloaded from the npm registry is not committed here. So
when it is on, the page is strawberry's, which loads GraphiQL from a CDN: it
needs a browser with internet access, and is meant for development. When it is
off, a browser opening ``/graphql`` gets a page that says so, under the admin
UI's Content-Security-Policy; API clients are unaffected.
"""

from __future__ import annotations

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from transom.admin_auth.forms import secure_headers

OFF_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is off</title></head>
<body><h1>GraphiQL is off</h1>
<p>This is Transom's GraphQL endpoint. Send <code>POST /graphql</code> with a
bearer token, or turn the in-browser IDE on with
<code>TRANSOM_GRAPHIQL=true</code> (it loads GraphiQL from a CDN; meant for
development). The exported schema is <code>schema/schema.graphql</code>.</p>
</body></html>
"""


class GraphiQLSwitch:
    """Passes everything to the GraphQL app, except a browser's page request
    while GraphiQL is off (the same test strawberry uses to show it)."""

    def __init__(self, graphql: ASGIApp, *, enabled: bool) -> None:
        self.graphql = graphql
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled and _wants_the_ide(scope):
            response = HTMLResponse(OFF_PAGE, status_code=404)
            secure_headers(response)
            await response(scope, receive, send)
            return
        await self.graphql(scope, receive, send)


def _wants_the_ide(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    if b"query=" in scope.get("query_string", b""):
        return False
    accept = dict(scope.get("headers", ())).get(b"accept", b"")
    return b"text/html" in accept or b"*/*" in accept
