"""Starlette routes for the door display and the lobby display: their Jinja2
shells, ES modules, service workers and the persisted operations they send (read-only from
``schema/operations/signage/``). No data is rendered into the shell: the page
fetches everything from ``/graphql`` like any other client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from transom.api.build import build_id
from transom.settings import Settings

CONTENT_SECURITY = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; worker-src 'self'; frame-ancestors 'none'"
)
NO_CACHE = {"Cache-Control": "no-cache"}


def signage_routes(settings: Settings) -> list[BaseRoute]:
    signage = settings.assets_dir / "signage"
    operations = settings.assets_dir / "schema" / "operations" / "signage"
    if not (signage / "templates").is_dir():
        return [Route("/display", _missing(signage))]
    templates = Jinja2Templates(directory=signage / "templates")
    build = build_id(settings.assets_dir)

    def shell_of(template: str) -> Callable[[Request], Awaitable[Response]]:
        async def shell(request: Request) -> Response:
            response = templates.TemplateResponse(
                request, template, {"build_id": build}
            )
            response.headers.update(NO_CACHE)
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response

        return shell

    def worker_of(path: str, name: str) -> Callable[[Request], Awaitable[Response]]:
        async def service_worker(request: Request) -> Response:
            # Served under <path>/ but controlling <path> itself.
            headers = {**NO_CACHE, "Service-Worker-Allowed": path}
            return FileResponse(
                signage / "static" / name, media_type="text/javascript", headers=headers
            )

        return service_worker

    shell, lobby = shell_of("display.html"), shell_of("lobby.html")
    return [
        Route("/display", shell),
        Route("/display/", shell),
        Route("/display/sw.js", worker_of("/display", "sw.js")),
        Route("/lobby", lobby),
        Route("/lobby/", lobby),
        Route("/lobby/sw.js", worker_of("/lobby", "sw.js")),
        Mount("/display/static", StaticFiles(directory=signage / "static")),
        Mount(
            "/display/operations", StaticFiles(directory=operations, check_dir=False)
        ),
    ]


def _missing(signage: Path) -> Callable[[Request], Awaitable[Response]]:
    async def explain(request: Request) -> Response:
        return PlainTextResponse(
            f"The display files are not at {signage}: set TRANSOM_ASSETS_DIR to a "
            "folder holding web/, signage/ and schema/operations/.",
            status_code=503,
        )

    return explain
