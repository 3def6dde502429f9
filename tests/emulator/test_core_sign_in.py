"""Signing a user in through the emulator's Entra: authorize page, code + PKCE,
refresh, ID token claims, and Entra's errors (over HTTP, demo seed)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from tests.servers import serve_in_thread
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.persistence import load_state, save_state
from transom.emulator.seeds import FACILITIES_GROUP_ID, RECEPTION_GROUP_ID
from transom.emulator.store import Emulator

REDIRECT = "http://127.0.0.1:9/admin/sign-in/microsoft/callback"
ADA = "ada.ahmed@contoso.onmicrosoft.com"
BEN = "ben.fischer@contoso.onmicrosoft.com"


@dataclass(frozen=True)
class Entra:
    url: str

    def control(self, method: str, path: str, body: object) -> None:
        response = httpx.request(method, self.url + path, json=body)
        assert response.status_code < 300, response.text

    def configure(self, **settings: object) -> None:
        path = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}/sign-in"
        self.control("PATCH", path, settings)


@pytest.fixture
def entra() -> Iterator[Entra]:
    with serve_in_thread(create_emulator(seed="demo")) as url:
        found = Entra(url)
        found.configure(redirectUris=[REDIRECT])
        yield found


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(verifier: str, **extra: str) -> dict[str, str]:
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid profile offline_access",
        "state": "st-1",
        "nonce": "n-1",
        "code_challenge": challenge_of(verifier),
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return params


def sign_in(
    entra: Entra, login: str, verifier: str, tenant: str = TENANT_ID
) -> dict[str, list[str]]:
    """Submit the sign-in page for ``login``; the query the app is sent back."""
    path = f"{entra.url}/{tenant}/oauth2/v2.0/authorize"
    form = {**authorize_params(verifier), "login": login}
    response = httpx.post(path, data=form)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


def redeem(entra: Entra, code: str, verifier: str) -> httpx.Response:
    return httpx.post(
        f"{entra.url}/{TENANT_ID}/oauth2/v2.0/token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_info": "1",
        },
    )


def verified_claims(entra: Entra, id_token: str) -> dict[str, object]:
    config = httpx.get(
        f"{entra.url}/{TENANT_ID}/v2.0/.well-known/openid-configuration"
    ).json()
    keys = httpx.get(
        config["jwks_uri"].replace(
            config["issuer"].split(f"/{TENANT_ID}")[0], entra.url
        )
    ).json()
    key = jwt.PyJWKSet.from_dict(keys).keys[0]
    claims: dict[str, object] = jwt.decode(
        id_token, key, algorithms=["RS256"], audience=CLIENT_ID, issuer=config["issuer"]
    )
    return claims


def test_the_sign_in_page_lists_the_directory_people() -> None:
    with serve_in_thread(create_emulator(seed="demo")) as url:
        Entra(url).configure(redirectUris=[REDIRECT])
        response = httpx.get(
            f"{url}/{TENANT_ID}/oauth2/v2.0/authorize",
            params=authorize_params("v" * 43, login_hint=ADA),
        )
    assert response.status_code == 200
    assert "Ada Ahmed" in response.text
    assert f'value="{ADA}"' in response.text


def test_code_with_pkce_gives_a_signed_id_token_with_entra_claims(entra: Entra) -> None:
    # given
    verifier = secrets.token_urlsafe(32)
    back = sign_in(entra, ADA, verifier)
    # when
    response = redeem(entra, back["code"][0], verifier)
    # then
    assert back["state"] == ["st-1"]
    assert response.status_code == 200, response.text
    body = response.json()
    claims = verified_claims(entra, body["id_token"])
    assert claims["tid"] == TENANT_ID
    assert claims["preferred_username"] == ADA
    assert claims["name"] == "Ada Ahmed"
    assert claims["nonce"] == "n-1"
    assert claims["groups"] == [FACILITIES_GROUP_ID]
    assert claims["iss"] == f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"
    assert "refresh_token" in body
    assert "client_info" in body


def test_assigned_app_roles_appear_in_the_roles_claim(entra: Entra) -> None:
    # given
    entra.configure(assignments={RECEPTION_GROUP_ID: ["Transom.Reader"]})
    verifier = secrets.token_urlsafe(32)
    # when
    body = redeem(entra, sign_in(entra, BEN, verifier)["code"][0], verifier).json()
    # then
    assert verified_claims(entra, body["id_token"])["roles"] == ["Transom.Reader"]


def test_a_wrong_verifier_and_a_reused_code_are_refused(entra: Entra) -> None:
    # given
    verifier = secrets.token_urlsafe(32)
    code = sign_in(entra, ADA, verifier)["code"][0]
    # when
    wrong = redeem(entra, code, secrets.token_urlsafe(32))
    right = redeem(entra, code, verifier)
    again = redeem(entra, code, verifier)
    # then
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert wrong.json()["error_codes"] == [501481]
    assert right.status_code == 200
    assert again.status_code == 400
    assert again.json()["error_codes"] == [54005]


def test_refresh_token_gives_new_tokens_once(entra: Entra) -> None:
    # given
    verifier = secrets.token_urlsafe(32)
    first = redeem(entra, sign_in(entra, ADA, verifier)["code"][0], verifier).json()
    form = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
    }
    token_url = f"{entra.url}/{TENANT_ID}/oauth2/v2.0/token"
    # when
    refreshed = httpx.post(token_url, data=form)
    replayed = httpx.post(token_url, data=form)
    # then
    assert refreshed.status_code == 200
    claims = verified_claims(entra, refreshed.json()["id_token"])
    assert claims["preferred_username"] == ADA
    assert refreshed.json()["refresh_token"] != first["refresh_token"]
    assert replayed.status_code == 400
    assert replayed.json()["error"] == "invalid_grant"


def test_a_user_not_assigned_goes_back_with_aadsts50105(entra: Entra) -> None:
    # given
    entra.configure(assignmentRequired=True, assignments={FACILITIES_GROUP_ID: []})
    # when
    refused = sign_in(entra, BEN, "v" * 43)
    allowed = sign_in(entra, ADA, "v" * 43)
    # then
    assert refused["error"] == ["access_denied"]
    assert refused["error_description"][0].startswith("AADSTS50105:")
    assert refused["state"] == ["st-1"]
    assert "code" in allowed


def test_missing_consent_goes_back_with_aadsts65001(entra: Entra) -> None:
    # given
    entra.configure(userConsent=False)
    # when
    back = sign_in(entra, ADA, "v" * 43)
    # then
    assert back["error"] == ["consent_required"]
    assert back["error_description"][0].startswith("AADSTS65001:")


def test_wrong_tenant_and_unregistered_redirect_stay_on_entra(entra: Entra) -> None:
    # when
    wrong_tenant = httpx.get(
        f"{entra.url}/nowhere.example/oauth2/v2.0/authorize",
        params=authorize_params("v" * 43),
    )
    wrong_redirect = httpx.get(
        f"{entra.url}/{TENANT_ID}/oauth2/v2.0/authorize",
        params=authorize_params("v" * 43, redirect_uri="https://evil.example/cb"),
    )
    # then
    assert wrong_tenant.status_code == 400
    assert "AADSTS90002" in wrong_tenant.text
    assert wrong_redirect.status_code == 400
    assert "AADSTS50011" in wrong_redirect.text
    assert "location" not in wrong_redirect.headers


def test_an_unknown_user_is_told_on_the_sign_in_page(entra: Entra) -> None:
    # when
    response = httpx.post(
        f"{entra.url}/{TENANT_ID}/oauth2/v2.0/authorize",
        data={**authorize_params("v" * 43), "login": "nobody@contoso.onmicrosoft.com"},
    )
    # then
    assert response.status_code == 400
    assert "AADSTS50034" in response.text


def test_groups_and_sign_in_settings_survive_a_restart(tmp_path: Path) -> None:
    # given
    state = tmp_path / "emulator.json"
    app = create_emulator(seed="demo")
    with serve_in_thread(app) as url:
        Entra(url).configure(
            redirectUris=[REDIRECT], assignments={ADA: ["Transom.Admin"]}
        )
    save_state(app.state.emulator, state)
    # when
    restarted = Emulator()
    load_state(restarted, state)
    # then
    tenant = restarted.tenants[TENANT_ID]
    settings = tenant.apps[CLIENT_ID].sign_in
    ada = restarted.find_user(tenant, ADA)
    assert ada is not None
    assert settings.redirect_uris == [REDIRECT]
    assert settings.assignments == {ada.id: ["Transom.Admin"]}
    assert tenant.groups[FACILITIES_GROUP_ID].members == [ada.id]
