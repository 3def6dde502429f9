"""OpenID Connect with a tenant's own Entra app, through MSAL for Python.

:func:`start_sign_in` builds the authorization request (MSAL adds PKCE S256,
``state`` and ``nonce``); :func:`finish_sign_in` redeems the code and returns
the ID token's claims after validating them.

Validation (MSAL >= 1.38 only decodes the ID token, see its issue #911): MSAL
checks ``state`` and the ``nonce``; we check the RS256 signature against the
tenant's JWKS (``jwks_uri`` of its discovery document), ``iss`` equal to the
discovery document's issuer (so a token of another tenant is refused), ``aud``
equal to the client id, and ``exp``/``nbf``/``iat`` with two minutes' leeway.

MSAL always talks to ``https://login.microsoftonline.com``; like the Graph
adapter, a requests session rewrites that to ``TRANSOM_AUTHORITY_URL``
(the emulator in tests), and the browser is sent to the rewritten
authorize URL. MSAL is synchronous: callers run these in a worker thread.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from transom.graph import (
    ClientCertificateCredentials,
    GraphCredentials,
    GraphEndpoints,
    route,
)

LEEWAY_SECONDS = 120
TIMEOUT_SECONDS = 15


class EntraSignInError(Exception):
    """Signing in with Microsoft failed; ``code`` is Entra's AADSTS number if any."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class _RoutedSession(requests.Session):
    def __init__(self, routes: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self._routes = routes

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(method, route(url, self._routes), *args, **kwargs)


@dataclass(frozen=True)
class EntraApp:
    """A tenant's app registration and where Entra is."""

    credentials: GraphCredentials = field(repr=False)
    endpoints: GraphEndpoints

    @property
    def authority(self) -> str:
        return f"{GraphEndpoints().authority_url}/{self.credentials.tenant_id}"

    def routes(self) -> tuple[tuple[str, str], ...]:
        return self.endpoints.routes()


def _msal_credential(credentials: GraphCredentials) -> str | dict[str, str]:
    if isinstance(credentials, ClientCertificateCredentials):
        certificate = x509.load_pem_x509_certificate(credentials.certificate_pem)
        thumbprint = certificate.fingerprint(hashes.SHA1()).hex()
        credential = {
            "private_key": credentials.certificate_pem.decode(),
            "thumbprint": thumbprint,
        }
        if credentials.password:
            credential["passphrase"] = credentials.password.decode()
        return credential
    return credentials.client_secret


def _client(app: EntraApp) -> Any:
    # Imported on first use: MSAL (and its dependencies) cost start-up time
    # on every server, most of which never sign anyone in with Microsoft.
    import msal  # type: ignore[import-untyped]

    try:
        return msal.ConfidentialClientApplication(
            app.credentials.client_id,
            client_credential=_msal_credential(app.credentials),
            authority=app.authority,
            http_client=_RoutedSession(app.routes()),
            instance_discovery=False,
        )
    except ValueError as exc:  # discovery failed: unknown tenant (AADSTS90002)
        raise EntraSignInError(str(exc), 90002) from exc


def start_sign_in(
    app: EntraApp, *, redirect_uri: str, login_hint: str | None
) -> tuple[str, dict[str, Any]]:
    """The URL to send the browser to, and the flow to keep until the callback."""
    client = _client(app)
    with warnings.catch_warnings():
        # MSAL recommends response_mode=form_post; we use query on purpose: the
        # flow cookie is SameSite=Lax, which a cross-site POST would not carry,
        # and the code is single-use and bound to our PKCE verifier.
        warnings.filterwarnings("ignore", "response_mode='form_post'")
        flow = client.initiate_auth_code_flow(
            scopes=[], redirect_uri=redirect_uri, login_hint=login_hint
        )
    url = route(flow.pop("auth_uri"), app.routes())
    return url, flow


def finish_sign_in(
    app: EntraApp, flow: dict[str, Any], response: dict[str, str]
) -> dict[str, Any]:
    """Redeem the code in ``response`` (the callback's query) and validate the ID token."""
    try:
        result = _client(app).acquire_token_by_auth_code_flow(flow, response)
    except ValueError as exc:  # state mismatch, nonce mismatch
        raise EntraSignInError(f"the sign-in response was not ours: {exc}") from exc
    if "error" in result:
        codes = result.get("error_codes") or [None]
        raise EntraSignInError(
            str(result.get("error_description") or result["error"]), codes[0]
        )
    return validated_claims(app, str(result["id_token"]))


def validated_claims(app: EntraApp, id_token: str) -> dict[str, Any]:
    http = _RoutedSession(app.routes())
    try:
        discovery_url = f"{app.authority}/v2.0/.well-known/openid-configuration"
        config = http.get(discovery_url).json()
        keys = jwt.PyJWKSet.from_dict(http.get(config["jwks_uri"]).json())
        kid = jwt.get_unverified_header(id_token).get("kid")
        key = next((k for k in keys.keys if k.key_id == kid), None)
        if key is None:
            raise EntraSignInError("the ID token is signed with an unknown key")
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=app.credentials.client_id,
            issuer=config["issuer"],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "oid", "tid"]},
        )
    except (requests.RequestException, KeyError, ValueError) as exc:
        raise EntraSignInError(f"the ID token could not be checked: {exc}") from exc
    except jwt.PyJWTError as exc:
        raise EntraSignInError(f"the ID token is not valid: {exc}") from exc
    return claims
