"""Sign in with Microsoft: the two routes of the OpenID Connect code flow.

``POST /admin/sign-in/microsoft`` (the sign-in page's second form): the work
e-mail's domain picks the tenant (``transom sso enable --domain``), MSAL
builds the authorize URL with that tenant's own Entra app, the flow (PKCE
verifier, state, nonce) goes into a short-lived encrypted cookie, and the
browser goes to Entra.

``GET /admin/sign-in/microsoft/callback`` (the redirect URI to register):
Entra's errors, an expired flow, a token that fails validation and a person
with no Transom role each get the refusal page (never a 500); otherwise the
session cookie is set as for a password sign-in.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from transom.admin_auth.cookies import CSRF_FIELD, clear_cookie, set_cookie
from transom.admin_auth.entra_accounts import Refusal, sign_in_with_entra
from transom.admin_auth.entra_client import (
    EntraApp,
    EntraSignInError,
    finish_sign_in,
    start_sign_in,
)
from transom.admin_auth.forms import (
    FORM_EXPIRED,
    secure_headers,
    sign_in_form,
    sign_in_form_is_ours,
    signed_in_response,
)
from transom.admin_auth.messages import Message
from transom.admin_auth.sessions import NewSession
from transom.db import sso as sso_repo
from transom.db import tenants as tenant_repo
from transom.graph import GraphEndpoints
from transom.security import SecretBox
from transom.sync.credentials import MissingCredentialsError, credentials_of

logger = logging.getLogger("transom.admin_auth")

START_PATH = "/admin/sign-in/microsoft"
CALLBACK_PATH = "/admin/sign-in/microsoft/callback"
FLOW_COOKIE = "transom_microsoft_sign_in"
FLOW_SECONDS = 10 * 60

# What to tell the person for Entra's codes (the description follows).
ENTRA_ADVICE: dict[int, str] = {
    50105: "Your organisation requires people to be assigned to the Transom app in "
    "Microsoft Entra, and you are not. Ask your Entra administrator to assign you.",
    65001: "Nobody has consented to Transom signing people in. An Entra administrator "
    "must grant admin consent to the Transom app.",
    50011: "The Transom app in Microsoft Entra does not list this server's redirect URI.",
    90002: "Microsoft Entra does not know this organisation's directory id.",
}


def redirect_uri(request: Request) -> str:
    base = request.state.services.settings.public_url or str(request.base_url)
    return base.rstrip("/") + CALLBACK_PATH


def microsoft_routes(templates: Jinja2Templates) -> list[BaseRoute]:
    async def start(request: Request) -> Response:
        return await _start(templates, request)

    async def callback(request: Request) -> Response:
        return await _callback(templates, request)

    return [
        Route(START_PATH, start, methods=["POST"]),
        Route(CALLBACK_PATH, callback, methods=["GET"]),
    ]


def _box(request: Request) -> SecretBox:
    return SecretBox(str(request.state.services.settings.secret_key))


async def _entra_app(request: Request, tenant_id: str) -> tuple[Any, EntraApp]:
    services = request.state.services
    async with services.sessions() as session:
        tenant = await tenant_repo.get_tenant(session, tenant_id=tenant_id)
    if tenant is None:
        raise MissingCredentialsError(f"there is no tenant {tenant_id!r}")
    settings = services.settings
    endpoints = GraphEndpoints(settings.graph_url, settings.authority_url)
    return tenant, EntraApp(credentials_of(tenant, _box(request)), endpoints)


async def _start(templates: Jinja2Templates, request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email") or "").strip()

    def again(message: Message, status: int) -> Response:
        return sign_in_form(
            templates, request, microsoft_error=message, email=email, status=status
        )

    if not sign_in_form_is_ours(request, str(form.get(CSRF_FIELD) or "")):
        return again(FORM_EXPIRED, 403)
    match = re.fullmatch(r"[^@\s]+@([^@\s]+\.[^@\s]+)", email)
    if match is None:
        return again(Message("Enter your work e-mail address."), 400)
    async with request.state.services.sessions() as session:
        tenant_id = await sso_repo.domain_owner(session, domain=match.group(1))
    if tenant_id is None:
        return again(
            Message(
                "Sign in with Microsoft is not set up for {domain}. Sign in with your "
                "password, or ask your Transom operator to enable it.",
                {"domain": match.group(1)},
            ),
            400,
        )
    try:
        _, app = await _entra_app(request, tenant_id)
        url, flow = await anyio.to_thread.run_sync(
            lambda: start_sign_in(
                app, redirect_uri=redirect_uri(request), login_hint=email
            )
        )
    except (MissingCredentialsError, EntraSignInError) as exc:
        logger.warning("Microsoft sign-in cannot start for %s: %s", tenant_id, exc)
        return again(
            Message(
                "Your organisation's Microsoft connection is not working, so "
                "Microsoft sign-in is unavailable. Sign in with your password or "
                "try later."
            ),
            503,
        )
    response = RedirectResponse(url, status_code=303)
    sealed = _box(request).encrypt(json.dumps({"tenant": tenant_id, "flow": flow}))
    set_cookie(
        response,
        request,
        request.state.services.settings.public_url,
        name=FLOW_COOKIE,
        value=sealed,
        max_age=FLOW_SECONDS,
    )
    return response


def _refused(
    templates: Jinja2Templates,
    request: Request,
    refusal: Refusal,
    *,
    status: int,
    detail: str | None = None,
) -> Response:
    response = templates.TemplateResponse(
        request,
        "sign_in_refused.html",
        {"title": refusal.title, "message": refusal.message, "detail": detail},
        status_code=status,
    )
    clear_cookie(response, FLOW_COOKIE)
    secure_headers(response)
    return response


def _opened_flow(request: Request) -> dict[str, Any] | None:
    sealed = request.cookies.get(FLOW_COOKIE)
    if not sealed:
        return None
    try:
        opened: dict[str, Any] = json.loads(_box(request).decrypt(sealed))
    except ValueError:
        return None
    return opened


async def _callback(templates: Jinja2Templates, request: Request) -> Response:
    query = dict(request.query_params)
    if "error" in query:
        description = query.get("error_description", query["error"])
        code = re.match(r"AADSTS(\d+)", description)
        advice = ENTRA_ADVICE.get(int(code.group(1)) if code else 0)
        refusal = Refusal(
            "Microsoft did not sign you in",
            Message(advice or "Microsoft Entra refused the sign-in."),
        )
        return _refused(templates, request, refusal, status=403, detail=description)
    opened = _opened_flow(request)
    if opened is None:
        refusal = Refusal(
            "This sign-in expired",
            Message(
                "The sign-in took too long or was started in another browser. "
                "Start again from the sign-in page."
            ),
        )
        return _refused(templates, request, refusal, status=400)
    try:
        tenant, app = await _entra_app(request, str(opened["tenant"]))
        claims = await anyio.to_thread.run_sync(
            lambda: finish_sign_in(app, opened["flow"], query)
        )
    except (MissingCredentialsError, EntraSignInError) as exc:
        logger.warning("Microsoft sign-in failed: %s", exc)
        refusal = Refusal(
            "Microsoft did not sign you in",
            Message("The sign-in could not be completed."),
        )
        return _refused(templates, request, refusal, status=403, detail=str(exc))
    services = request.state.services
    async with services.sessions() as session:
        outcome = await sign_in_with_entra(
            session, tenant=tenant, claims=claims, now=services.clock()
        )
        await session.commit()
    if not isinstance(outcome, NewSession):
        return _refused(templates, request, outcome, status=403)
    response = signed_in_response(request, outcome)
    clear_cookie(response, FLOW_COOKIE)
    return response
