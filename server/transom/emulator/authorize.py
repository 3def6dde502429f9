"""The authorize endpoint: ``/{tenant}/oauth2/v2.0/authorize`` (OpenID Connect, code flow).

``GET`` checks the request and shows the sign-in page; ``POST`` (the page's
form) signs the chosen user in and redirects to ``redirect_uri`` with
``code`` and ``state`` (``response_mode`` query, the default, or form_post).

Errors the app cannot be trusted with (unknown tenant AADSTS90002, unknown app
AADSTS700016, unregistered redirect URI AADSTS50011) stay on Entra's error
page. On the sign-in page: unknown user AADSTS50034, disabled account
AADSTS50057. Redirected back to the app as ``error``/``error_description``:
unsupported ``response_type`` (AADSTS700054), a ``code_challenge_method``
other than S256/plain (AADSTS501491), a user not assigned to an app that
requires assignment (``access_denied``, AADSTS50105 [community: MSAL.js issue
3949 reports the redirect]), delegated consent missing (``consent_required``,
AADSTS65001).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .entra_errors import EntraError, unknown_tenant
from .model import App, Tenant, User
from .sign_in_grants import SignedInUser, grants_of
from .sign_in_page import error_page, form_post_page, sign_in_page
from .store import Emulator
from .user_tokens import assigned_roles

PARAMS = (
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "prompt",
    "login_hint",
    "domain_hint",
)


class RedirectedError(Exception):
    """An OAuth error the app receives at its redirect URI."""

    def __init__(self, error: str, code: int, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.code = code
        self.message = message


def _checked(
    emulator: Emulator, name: str, params: Mapping[str, str]
) -> tuple[Tenant, App]:
    tenant = emulator.tenant(name)
    if tenant is None:
        raise unknown_tenant(name)
    client_id = params.get("client_id", "")
    app = tenant.apps.get(client_id)
    if app is None:
        raise EntraError(
            400,
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the directory "
            f"'{tenant.display_name}'. This can happen if the application has not been "
            "installed by the administrator of the tenant or consented to by any user in "
            "the tenant. You may have sent your authentication request to the wrong tenant.",
        )
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in app.sign_in.redirect_uris:
        raise EntraError(
            400,
            "invalid_request",
            50011,
            f"The redirect URI '{redirect_uri}' specified in the request does not match "
            f"the redirect URIs configured for the application '{client_id}'. Make sure "
            "the redirect URI sent in the request matches one added to your application "
            "in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to "
            "learn more about how to fix this.",
        )
    return tenant, app


def _check_request(params: Mapping[str, str]) -> None:
    if params.get("response_type") != "code":
        raise RedirectedError(
            "unsupported_response_type",
            700054,
            f"response_type '{params.get('response_type', '')}' is not enabled for "
            "the application.",
        )
    method = params.get("code_challenge_method") or "plain"
    if params.get("code_challenge") and method not in ("S256", "plain"):
        raise RedirectedError(
            "invalid_request", 501491, "Invalid code_challenge_method parameter."
        )


def check_user(tenant: Tenant, app: App, user: User) -> None:
    if app.sign_in.assignment_required and assigned_roles(tenant, app, user) is None:
        raise RedirectedError(
            "access_denied",
            50105,
            f"Your administrator has configured the application {app.display_name} "
            f"('{app.client_id}') to block users unless they are specifically granted "
            f"('assigned') access to the application. The signed in user "
            f"'{user.user_principal_name}' is blocked because they are not a direct "
            "member of a group with access, nor had access directly assigned by an "
            "administrator. Please contact your administrator to assign access to this "
            "application.",
        )
    if not app.sign_in.user_consent:
        raise RedirectedError(
            "consent_required",
            65001,
            "The user or administrator has not consented to use the application with ID "
            f"'{app.client_id}' named '{app.display_name}'. Send an interactive "
            "authorization request for this user and resource.",
        )


def _people(tenant: Tenant) -> list[User]:
    return sorted(
        (u for u in tenant.users.values() if u.purpose == "user" and u.account_enabled),
        key=lambda u: u.display_name,
    )


def _back_to_app(params: Mapping[str, str], fields: dict[str, str]) -> Response:
    if params.get("state"):
        fields["state"] = params["state"]
    redirect_uri = params["redirect_uri"]
    if params.get("response_mode") == "form_post":
        return form_post_page(redirect_uri, fields)
    separator = "&" if "?" in redirect_uri else "?"
    if params.get("response_mode") == "fragment":
        separator = "#"
    return RedirectResponse(redirect_uri + separator + urlencode(fields), 302)


def _error_back(
    params: Mapping[str, str], exc: RedirectedError, login_url: str
) -> Response:
    return _back_to_app(
        params,
        {
            "error": exc.error,
            "error_description": f"AADSTS{exc.code}: {exc.message}",
            "error_uri": f"{login_url}/error?code={exc.code}",
        },
    )


async def authorize(request: Request) -> Response:
    emulator: Emulator = request.app.state.emulator
    if request.method == "POST":
        form = await request.form()
        params = {k: str(form.get(k)) for k in PARAMS if form.get(k) is not None}
    else:
        params = {k: v for k, v in request.query_params.items() if k in PARAMS}
    try:
        tenant, app = _checked(emulator, request.path_params["tenant"], params)
    except EntraError as exc:
        return error_page(f"AADSTS{exc.code}: {exc.message}", exc.status)
    try:
        _check_request(params)
    except RedirectedError as exc:
        return _error_back(params, exc, emulator.public_login_url)
    if request.method == "GET":
        return sign_in_page(
            tenant, app, _people(tenant), params, login=params.get("login_hint", "")
        )
    typed = str(form.get("login") or "").strip()
    login = typed or str(form.get("account") or "").strip()
    user = emulator.find_user(tenant, login) if login else None
    if user is None or user.purpose != "user":
        message = (
            f"AADSTS50034: The user account {login} does not exist in the "
            f"{tenant.display_name} directory. To sign into this application, the "
            "account must be added to the directory."
            if login
            else "Enter a user name or pick an account."
        )
        return sign_in_page(
            tenant, app, _people(tenant), params, login=login, error=message, status=400
        )
    if not user.account_enabled:
        message = (
            "AADSTS50057: The user account is disabled. The user object in Active "
            "Directory backing this account has been disabled."
        )
        return sign_in_page(
            tenant, app, _people(tenant), params, login=login, error=message, status=400
        )
    try:
        check_user(tenant, app, user)
    except RedirectedError as exc:
        return _error_back(params, exc, emulator.public_login_url)
    grant = SignedInUser(
        tenant.id,
        app.client_id,
        user.id,
        tuple(params.get("scope", "openid").split()),
        params.get("nonce"),
    )
    code = grants_of(emulator).issue_code(
        grant,
        redirect_uri=params["redirect_uri"],
        challenge=params.get("code_challenge") or None,
        challenge_method=params.get("code_challenge_method") or "plain",
        now=emulator.clock().timestamp(),
    )
    return _back_to_app(params, {"code": code, "session_state": tenant.id})


routes = [
    Route("/{tenant}/oauth2/v2.0/authorize", authorize, methods=["GET", "POST"]),
]
