"""The sign-in and sign-out forms of the admin UI (HTML form posts).

Signing in is the one step the GraphQL API cannot do for a browser: it has to
set an HttpOnly cookie. Both forms carry a CSRF token: sign-in a pre-session
one (double-submit cookie, against login CSRF), sign-out the session's own.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from transom.admin_auth.cookies import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    clear_cookie,
    same_origin,
    set_cookie,
    tokens_match,
)
from transom.admin_auth.messages import Message
from transom.admin_auth.sessions import (
    NewSession,
    SignedIn,
    find_signed_in,
    sign_in,
    sign_out,
)
from transom.pubsub import access_channel

HOME = "/admin/"
SIGN_IN_PATH = "/admin/sign-in"
SIGN_IN_FORM_SECONDS = 60 * 60
FORM_EXPIRED = Message("The sign-in form expired. Please try again.")

# Pages load only our own scripts and styles, talk only to this server, and
# cannot be framed (clickjacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def sign_in_routes(templates: Jinja2Templates) -> list[BaseRoute]:
    async def show(request: Request) -> Response:
        return _form(templates, request, error=None, email="", status=200)

    async def submit(request: Request) -> Response:
        return await _submit(templates, request)

    return [
        Route(SIGN_IN_PATH, show, methods=["GET"]),
        Route(SIGN_IN_PATH, submit, methods=["POST"]),
        Route("/admin/sign-out", _sign_out, methods=["POST"]),
    ]


async def current_admin(request: Request) -> SignedIn | None:
    """The admin signed in by this request's cookie, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    services = request.state.services
    async with services.sessions() as session:
        return await find_signed_in(session, token=token, now=services.clock())


def sign_in_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{SIGN_IN_PATH}?next={quote(target)}", status_code=303)


async def _submit(templates: Jinja2Templates, request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    given = str(form.get(CSRF_FIELD) or "")
    if not sign_in_form_is_ours(request, given):
        return _form(templates, request, error=FORM_EXPIRED, email=email, status=403)
    if not email or not password:
        message = Message("Enter your email and password.")
        return _form(templates, request, error=message, email=email, status=400)
    services = request.state.services
    async with services.sessions() as session:
        outcome = await sign_in(
            session, email=email, password=password, now=services.clock()
        )
        await session.commit()
    if not isinstance(outcome, NewSession):
        status = 429 if outcome.locked else 401
        return _form(
            templates, request, error=outcome.message, email=email, status=status
        )
    return signed_in_response(request, outcome)


def sign_in_form_is_ours(request: Request, given: str) -> bool:
    origin_ok = "origin" not in request.headers or same_origin(
        request, request.state.services.settings.public_url
    )
    return origin_ok and tokens_match(request.cookies.get(SIGN_IN_CSRF_COOKIE), given)


def signed_in_response(request: Request, new: NewSession) -> Response:
    response = RedirectResponse(_safe_next(request), status_code=303)
    services = request.state.services
    lifetime = int((new.expires_at - services.clock()).total_seconds())
    set_cookie(
        response,
        request,
        services.settings.public_url,
        name=SESSION_COOKIE,
        value=new.token,
        max_age=lifetime,
    )
    clear_cookie(response, SIGN_IN_CSRF_COOKIE)
    return response


def _safe_next(request: Request) -> str:
    """Only our own admin pages: never an open redirect to another site."""
    target = request.query_params.get("next") or HOME
    if not target.startswith("/admin/") or target.startswith("//"):
        return HOME
    if "\\" in target or target.startswith(SIGN_IN_PATH):
        return HOME
    return target


def _form(
    templates: Jinja2Templates,
    request: Request,
    *,
    error: Message | None,
    email: str,
    status: int,
    microsoft_error: Message | None = None,
) -> Response:
    csrf = secrets.token_urlsafe(32)
    context: dict[str, Any] = {
        "csrf": csrf,
        "error": error,
        "email": email,
        "microsoft_error": microsoft_error,
        "next": request.query_params.get("next", ""),
    }
    response = templates.TemplateResponse(
        request, "sign_in.html", context, status_code=status
    )
    set_cookie(
        response,
        request,
        request.state.services.settings.public_url,
        name=SIGN_IN_CSRF_COOKIE,
        value=csrf,
        max_age=SIGN_IN_FORM_SECONDS,
    )
    secure_headers(response)
    # "Sign in with Microsoft" posts here and is redirected to Entra: Chromium
    # applies form-action to that redirect too.
    authority = request.state.services.settings.authority_url
    response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {_origin(authority)}"
    )
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_in_form(
    templates: Jinja2Templates,
    request: Request,
    *,
    microsoft_error: Message,
    email: str,
    status: int,
) -> Response:
    """The sign-in page with an error under "Sign in with Microsoft"."""
    return _form(
        templates,
        request,
        error=None,
        email=email,
        status=status,
        microsoft_error=microsoft_error,
    )


def secure_headers(response: Response) -> None:
    response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["referrer-policy"] = "same-origin"
    # Pages embed CSRF tokens: never cache them.
    response.headers["cache-control"] = "no-store"


async def _sign_out(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    signed_in = await current_admin(request)
    form = await request.form()
    if signed_in is not None and token:
        if not tokens_match(signed_in.csrf_token, str(form.get(CSRF_FIELD) or "")):
            return Response("missing or wrong CSRF token", status_code=403)
        services = request.state.services
        async with services.sessions() as session:
            await sign_out(session, token=token)
            await session.commit()
        # The session's open websockets close, in every process on the bus.
        channel = access_channel(signed_in.viewer.token_id)
        await services.bus.publish(channel, {"type": "signed-out"})
    response = RedirectResponse(SIGN_IN_PATH, status_code=303)
    clear_cookie(response, SESSION_COOKIE)
    return response
