"""Microsoft Entra ID endpoints: discovery documents, JWKS and the token endpoint.

``POST /{tenant}/oauth2/v2.0/token`` implements the client-credentials grant
(graph-contract.md §1) and, for signing users in, the authorization-code and
refresh-token grants (:mod:`.user_grants`; the authorize endpoint is
:mod:`.authorize`). The app authenticates the same way for all three: secret in the form or HTTP Basic, or a certificate
``client_assertion``. Checks run in Entra's order: tenant (AADSTS90002), app
in tenant (AADSTS700016), credential present (AADSTS7000218), secret value
(AADSTS7000215), secret expiry (AADSTS7000222). An app without admin consent
gets a token without ``roles``. Unknown form fields (``claims``,
``client_info``) are ignored.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from datetime import datetime
from typing import Any

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import user_grants
from .assertions import verify_client_assertion
from .auth import GRAPH_AUDIENCE
from .entra_errors import EntraError, entra_error_response, unknown_tenant
from .model import App, Tenant
from .store import Emulator

TOKEN_LIFETIME = 3599
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
GRAPH_RESOURCES = (GRAPH_AUDIENCE, "00000003-0000-0000-c000-000000000000")
GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")


def _emulator(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def _tenant(emulator: Emulator, name: str) -> Tenant:
    tenant = emulator.tenant(name)
    if tenant is None:
        raise unknown_tenant(name)
    return tenant


async def openid_configuration(request: Request) -> Response:
    emulator = _emulator(request)
    name = request.path_params["tenant"]
    try:
        tenant = _tenant(emulator, name)
    except EntraError as exc:
        return entra_error_response(exc, emulator.public_login_url)
    base = f"{emulator.public_login_url}/{name}"
    return JSONResponse(
        {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{emulator.public_login_url}/{tenant.id}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": [
                "code",
                "id_token",
                "code id_token",
                "id_token token",
            ],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "name",
                "oid",
                "preferred_username",
                "tid",
                "ver",
                "groups",
                "roles",
            ],
            "code_challenge_methods_supported": ["S256", "plain"],
            "issuer": f"{emulator.public_login_url}/{tenant.id}/v2.0",
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "tenant_region_scope": "EU",
            "cloud_instance_name": "microsoftonline.com",
        }
    )


async def instance_discovery(request: Request) -> Response:
    emulator = _emulator(request)
    host = emulator.public_login_url.split("://", 1)[-1]
    aliases = sorted({host, "login.microsoftonline.com", "login.windows.net"})
    return JSONResponse(
        {
            "tenant_discovery_endpoint": f"{emulator.public_login_url}/{{tenant}}"
            "/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [
                {"preferred_network": host, "preferred_cache": host, "aliases": aliases}
            ],
        }
    )


async def jwks(request: Request) -> Response:
    return JSONResponse(_emulator(request).signing_key.jwks())


def _client_credentials(
    request: Request, form: dict[str, str]
) -> tuple[str, str | None]:
    client_id, secret = form.get("client_id", ""), form.get("client_secret")
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise EntraError(
                401, "invalid_client", 7000215, "Invalid client secret provided."
            ) from exc
        basic_id, _, basic_secret = decoded.partition(":")
        client_id, secret = client_id or basic_id, basic_secret
    return client_id, secret


def _check_scope(scope: str) -> None:
    scopes = scope.split()
    ok = len(scopes) == 1 and scopes[0].endswith("/.default")
    if not ok or scopes[0].removesuffix("/.default").rstrip("/") not in GRAPH_RESOURCES:
        raise EntraError(
            400,
            "invalid_scope",
            1002012,
            f"The provided value for scope {scope} is not valid. Client credential flows "
            "must have a scope value with /.default suffixed to the resource identifier "
            "(application ID URI).",
        )


def _check_secret(app: App, secret: str, now: datetime) -> None:
    matches = [s for s in app.secrets if s.value == secret]
    if not matches:
        raise EntraError(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request "
            "is the client secret value, not the client secret ID, for a secret added to "
            f"app '{app.client_id}'.",
        )
    if all(datetime.fromisoformat(s.expires) <= now for s in matches):
        raise EntraError(
            401,
            "invalid_client",
            7000222,
            f"The provided client secret keys for app '{app.client_id}' are expired. "
            "Visit the Azure portal to create new keys for your app: "
            "https://aka.ms/NewClientSecret, or consider using certificate credentials "
            "for added security: https://aka.ms/certCreds.",
        )


def _authenticate_app(
    request: Request, tenant: Tenant, form: dict[str, str], now: datetime
) -> tuple[App, str]:
    client_id, secret = _client_credentials(request, form)
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
    assertion = form.get("client_assertion")
    if assertion and form.get("client_assertion_type") == ASSERTION_TYPE:
        verify_client_assertion(app, assertion, now)
        return app, "2"
    if not secret:
        raise EntraError(
            400,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' "
            "or 'client_secret'.",
        )
    _check_secret(app, secret, now)
    return app, "1"


def issue_token(emulator: Emulator, tenant: Tenant, app: App, acr: str = "1") -> str:
    """A signed v1 access token for Graph, as Entra issues for app-only calls."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "aud": GRAPH_AUDIENCE,
        "iss": f"https://sts.windows.net/{tenant.id}/",
        "iat": now,
        "nbf": now,
        "exp": now + TOKEN_LIFETIME,
        "app_displayname": app.display_name,
        "appid": app.client_id,
        "appidacr": acr,
        "idp": f"https://sts.windows.net/{tenant.id}/",
        "idtyp": "app",
        "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, tenant.id + app.client_id)),
        "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, tenant.id + app.client_id)),
        "tid": tenant.id,
        "uti": uuid.uuid4().hex[:22],
        "ver": "1.0",
    }
    if app.consented and app.roles:
        claims["roles"] = list(app.roles)
    key = emulator.signing_key
    return jwt.encode(
        claims,
        key.private_key,
        algorithm="RS256",
        headers={"kid": key.kid, "x5t": key.kid},
    )


async def token(request: Request) -> Response:
    emulator = _emulator(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    grant_type = form.get("grant_type", "")
    try:
        tenant = _tenant(emulator, request.path_params["tenant"])
        if grant_type not in GRANT_TYPES:
            raise EntraError(
                400,
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant_type}'.",
            )
        app, acr = _authenticate_app(request, tenant, form, emulator.clock())
        if grant_type == "authorization_code":
            body = user_grants.redeem_code(emulator, tenant, app, form)
        elif grant_type == "refresh_token":
            body = user_grants.redeem_refresh_token(emulator, tenant, app, form)
        else:
            _check_scope(form.get("scope", ""))
            body = {
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
                "ext_expires_in": TOKEN_LIFETIME,
                "access_token": issue_token(emulator, tenant, app, acr),
            }
    except EntraError as exc:
        return entra_error_response(exc, emulator.public_login_url)
    return JSONResponse(
        body, headers={"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}
    )


routes = [
    Route("/common/discovery/instance", instance_discovery),
    Route("/common/discovery/keys", jwks),
    Route("/{tenant}/discovery/v2.0/keys", jwks),
    Route("/{tenant}/discovery/keys", jwks),
    Route("/{tenant}/v2.0/.well-known/openid-configuration", openid_configuration),
    Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
]
