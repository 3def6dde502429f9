"""The token endpoint's delegated grants: ``authorization_code`` and ``refresh_token``.

Both run after the app authenticated (secret or certificate, as for client
credentials). The answer carries ``id_token`` (when ``openid`` was asked),
``access_token`` (Graph, delegated), ``refresh_token`` (when
``offline_access`` was asked) and ``client_info`` (when ``client_info=1``, as
MSAL sends). The refresh grant re-checks that the user still exists, is
enabled and still assigned.
"""

from __future__ import annotations

from typing import Any

from .authorize import RedirectedError, check_user
from .entra_errors import EntraError
from .model import App, Tenant
from .sign_in_grants import SignedInUser, grants_of
from .store import Emulator
from .user_tokens import (
    ID_TOKEN_LIFETIME,
    client_info,
    granted_scopes,
    issue_id_token,
    issue_user_access_token,
)


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise EntraError(
            400,
            "invalid_request",
            900144,
            f"The request body must contain the following parameter: '{name}'.",
        )
    return value


def redeem_code(
    emulator: Emulator, tenant: Tenant, app: App, form: dict[str, str]
) -> dict[str, Any]:
    grant = grants_of(emulator).redeem_code(
        _required(form, "code"),
        tenant_id=tenant.id,
        client_id=app.client_id,
        redirect_uri=_required(form, "redirect_uri"),
        verifier=form.get("code_verifier"),
        now=emulator.clock().timestamp(),
    )
    return _tokens(emulator, tenant, app, grant, form)


def redeem_refresh_token(
    emulator: Emulator, tenant: Tenant, app: App, form: dict[str, str]
) -> dict[str, Any]:
    grant = grants_of(emulator).use_refresh_token(
        _required(form, "refresh_token"),
        tenant_id=tenant.id,
        client_id=app.client_id,
        now=emulator.clock().timestamp(),
    )
    user = tenant.users.get(grant.user_id)
    if user is None or not user.account_enabled:
        raise EntraError(
            400,
            "invalid_grant",
            50057,
            "The user account is disabled. The user object in Active Directory "
            "backing this account has been disabled.",
        )
    try:
        check_user(tenant, app, user)
    except RedirectedError as exc:
        raise EntraError(400, "invalid_grant", exc.code, exc.message) from exc
    # A refreshed ID token carries no nonce (it answers no authorize request).
    return _tokens(emulator, tenant, app, _without_nonce(grant), form)


def _without_nonce(grant: SignedInUser) -> SignedInUser:
    return SignedInUser(grant.tenant_id, grant.client_id, grant.user_id, grant.scopes)


def _tokens(
    emulator: Emulator,
    tenant: Tenant,
    app: App,
    grant: SignedInUser,
    form: dict[str, str],
) -> dict[str, Any]:
    user = tenant.users[grant.user_id]
    scopes = granted_scopes(" ".join(grant.scopes))
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": " ".join(s for s in scopes if s != "offline_access"),
        "expires_in": ID_TOKEN_LIFETIME,
        "ext_expires_in": ID_TOKEN_LIFETIME,
        "access_token": issue_user_access_token(emulator, tenant, app, user, scopes),
    }
    if "openid" in grant.scopes:
        body["id_token"] = issue_id_token(emulator, tenant, app, user, grant.nonce)
    if "offline_access" in grant.scopes:
        body["refresh_token"] = grants_of(emulator).issue_refresh_token(
            grant, now=emulator.clock().timestamp()
        )
    if form.get("client_info") == "1":
        body["client_info"] = client_info(tenant, user)
    return body
