"""Starlette routes for the admin UI: Jinja2 shells, static files, operations.

The shells hold no data: their ES modules fetch everything from ``/graphql``,
sending the operation text served read-only from ``schema/operations/web/``.
Files are found under ``Settings.assets_dir``: the installed package's
``transom/assets/``, else the source checkout (``pip install -e .``), unless
``TRANSOM_ASSETS_DIR`` names another folder.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from transom.admin_auth.entra_sign_in import microsoft_routes
from transom.admin_auth.forms import (
    current_admin,
    secure_headers,
    sign_in_redirect,
    sign_in_routes,
)
from transom.pages.language_choice import language_routes
from transom.pages.languages import language_context, load_catalogues
from transom.settings import Settings

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    admins_only: bool = False
    """Shown in the navigation to superadmins and admins, not to readers."""


PAGES = (
    Page("/admin/", "tenants.html", "Tenants"),
    Page("/admin/rooms", "rooms.html", "Rooms"),
    Page("/admin/displays", "displays.html", "Displays"),
    Page("/admin/people", "people.html", "People"),
    Page("/admin/absences", "absences.html", "Absences"),
    Page("/admin/availability", "availability.html", "Availability rules"),
    Page("/admin/absence-policy", "absence_policy.html", "Absence policy"),
    Page("/admin/sync-log", "sync_log.html", "Sync log"),
    Page("/admin/analytics", "analytics.html", "Analytics"),
    Page("/admin/settings", "settings.html", "Settings"),
    Page("/admin/tokens", "tokens.html", "API tokens"),
    Page("/admin/audit", "audit.html", "Audit log"),
    Page("/admin/admins", "admins.html", "Admins", admins_only=True),
)


def admin_routes(settings: Settings) -> list[BaseRoute]:
    web = settings.assets_dir / "web"
    operations = settings.assets_dir / "schema" / "operations" / "web"
    if not (web / "templates").is_dir():
        return [Route("/admin/{path:path}", _missing_files(web))]
    catalogues = load_catalogues(web / "i18n")
    templates = Jinja2Templates(
        directory=web / "templates", context_processors=[language_context(catalogues)]
    )
    templates.env.globals["pages"] = PAGES
    return [
        Route("/", _to_admin),
        Route("/admin", _to_admin),
        *sign_in_routes(templates),
        *language_routes(),
        *microsoft_routes(templates),
        *(Route(page.path, _shell(templates, page)) for page in PAGES),
        Mount("/admin/static", StaticFiles(directory=web / "static", check_dir=False)),
        Mount("/admin/operations", StaticFiles(directory=operations, check_dir=False)),
    ]


def _shell(templates: Jinja2Templates, page: Page) -> Endpoint:
    async def render(request: Request) -> Response:
        signed_in = await current_admin(request)
        if signed_in is None:
            return sign_in_redirect(request)
        request.state.language = signed_in.language
        response = templates.TemplateResponse(
            request, page.template, {"page": page, "admin": signed_in}
        )
        secure_headers(response)
        return response

    return render


async def _to_admin(request: Request) -> Response:
    return RedirectResponse("/admin/", status_code=307)


def _missing_files(web: Path) -> Endpoint:
    async def explain(request: Request) -> Response:
        return PlainTextResponse(
            f"The admin UI files are not at {web}: set TRANSOM_ASSETS_DIR to a "
            "folder holding web/, signage/ and schema/operations/.",
            status_code=503,
        )

    return explain
