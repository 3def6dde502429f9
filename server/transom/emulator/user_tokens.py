"""Tokens issued to a signed-in user: the v2.0 ID token and a delegated access token.

The ID token carries what Entra sends an OpenID Connect client
(https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference):
``iss`` ``{login}/{tid}/v2.0``, ``aud`` the client id, ``tid``, ``oid``,
``sub`` (pairwise per app), ``preferred_username`` (the UPN), ``name``,
``nonce`` (as sent on the authorize request), ``iat``/``nbf``/``exp``,
``ver`` 2.0, and, as configured on the app, ``groups`` (the user's group ids)
and ``roles`` (app role values assigned to the user or one of their groups).
Signed RS256 with the emulator's key (``kid`` in the JWKS).
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from typing import Any

import jwt

from .auth import GRAPH_AUDIENCE
from .model import App, Tenant, User
from .store import Emulator

ID_TOKEN_LIFETIME = 3600
USER_SCOPES = ("openid", "profile", "email", "offline_access")


def groups_of(tenant: Tenant, user: User) -> list[str]:
    return sorted(g.id for g in tenant.groups.values() if user.id in g.members)


def assigned_roles(tenant: Tenant, app: App, user: User) -> list[str] | None:
    """App role values assigned to ``user`` directly or through a group;
    None when the user has no assignment at all."""
    principals = [user.id, *groups_of(tenant, user)]
    found = [
        app.sign_in.assignments[p] for p in principals if p in app.sign_in.assignments
    ]
    if not found:
        return None
    return sorted({role for roles in found for role in roles})


def _sign(emulator: Emulator, claims: dict[str, Any]) -> str:
    key = emulator.signing_key
    return jwt.encode(
        claims, key.private_key, algorithm="RS256", headers={"kid": key.kid}
    )


def _pairwise_sub(app: App, user: User) -> str:
    digest = hashlib.sha256(f"{app.client_id}:{user.id}".encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_id_token(
    emulator: Emulator, tenant: Tenant, app: App, user: User, nonce: str | None
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "aud": app.client_id,
        "iss": f"{emulator.public_login_url}/{tenant.id}/v2.0",
        "iat": now,
        "nbf": now,
        "exp": now + ID_TOKEN_LIFETIME,
        "name": user.display_name,
        "oid": user.id,
        "preferred_username": user.user_principal_name,
        "sub": _pairwise_sub(app, user),
        "tid": tenant.id,
        "uti": uuid.uuid4().hex[:22],
        "ver": "2.0",
    }
    if nonce is not None:
        claims["nonce"] = nonce
    if app.sign_in.groups_claim:
        claims["groups"] = groups_of(tenant, user)
    roles = assigned_roles(tenant, app, user)
    if roles:
        claims["roles"] = roles
    return _sign(emulator, claims)


def issue_user_access_token(
    emulator: Emulator, tenant: Tenant, app: App, user: User, scopes: list[str]
) -> str:
    """A v1 delegated token for Graph (``scp``), as Entra returns next to the ID token."""
    now = int(time.time())
    return _sign(
        emulator,
        {
            "aud": GRAPH_AUDIENCE,
            "iss": f"https://sts.windows.net/{tenant.id}/",
            "iat": now,
            "nbf": now,
            "exp": now + ID_TOKEN_LIFETIME,
            "appid": app.client_id,
            "app_displayname": app.display_name,
            "idtyp": "user",
            "name": user.display_name,
            "oid": user.id,
            "scp": " ".join(scopes),
            "tid": tenant.id,
            "upn": user.user_principal_name,
            "ver": "1.0",
        },
    )


def client_info(tenant: Tenant, user: User) -> str:
    """MSAL's ``client_info``: base64url JSON of the user's home account."""
    raw = json.dumps({"uid": user.id, "utid": tenant.id}).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def granted_scopes(requested: str) -> list[str]:
    """The scopes a user token covers: the OpenID ones asked for, plus User.Read."""
    asked = [s for s in requested.split() if s in USER_SCOPES]
    return [*asked, "User.Read"]
