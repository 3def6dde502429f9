"""The admin's language: a form post from the header's language picker.

Signed in, the choice is stored on the admin (every browser they use follows
it) and mirrored in a cookie, so the sign-in page after signing out keeps it.
Signed out (the sign-in page's picker), only the cookie is set.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from transom.admin_auth.cookies import CSRF_FIELD, same_origin, set_cookie, tokens_match
from transom.admin_auth.forms import current_admin
from transom.db import admins as admin_repo
from transom.pages.languages import LANGUAGE_COOKIE, LANGUAGES

LANGUAGE_PATH = "/admin/language"
COOKIE_SECONDS = 400 * 24 * 3600


def language_routes() -> list[BaseRoute]:
    return [Route(LANGUAGE_PATH, _choose, methods=["POST"])]


async def _choose(request: Request) -> Response:
    form = await request.form()
    language = str(form.get("language") or "")
    if language not in LANGUAGES:
        return Response("unknown language", status_code=400)
    services = request.state.services
    if "origin" in request.headers and not same_origin(
        request, services.settings.public_url
    ):
        return Response("not from this site", status_code=403)
    signed_in = await current_admin(request)
    if signed_in is not None:
        if not tokens_match(signed_in.csrf_token, str(form.get(CSRF_FIELD) or "")):
            return Response("missing or wrong CSRF token", status_code=403)
        async with services.sessions() as session:
            admin = await admin_repo.get_admin(session, admin_id=signed_in.admin_id)
            if admin is not None:
                admin.language = language
                await session.commit()
    response = RedirectResponse(_back_to(str(form.get("next") or "")), status_code=303)
    set_cookie(
        response,
        request,
        services.settings.public_url,
        name=LANGUAGE_COOKIE,
        value=language,
        max_age=COOKIE_SECONDS,
    )
    return response


def _back_to(target: str) -> str:
    """The page the picker was on: only our own admin pages."""
    if not target.startswith("/admin/") or target.startswith("//") or "\\" in target:
        return "/admin/"
    return target
