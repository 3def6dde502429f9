"""Sign in with Microsoft over plain HTTP (no browser): a reader's role, and the
callback's refusals for a lost flow and a forged state."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.servers import serve_in_thread
from tests.web.sso_setup import ADA, BEN, SsoUi, sso_ui
from transom.admin_auth.entra_client import (
    EntraApp,
    EntraSignInError,
    validated_claims,
)
from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from transom.emulator import create_app as create_emulator
from transom.emulator.keys import SigningKey
from transom.graph import ClientSecretCredentials, GraphEndpoints

__all__ = ["sso_ui"]
VIEWER = "{ viewer { role tenant { name } } }"


def start(client: httpx.Client, email: str) -> str:
    """Post the sign-in page's Microsoft form; the Entra authorize URL."""
    page = client.get("/admin/sign-in").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    response = client.post(
        "/admin/sign-in/microsoft", data={"email": email, "csrf": csrf.group(1)}
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def entra_sign_in(authorize_url: str, login: str) -> str:
    """Submit the emulator's sign-in page; the callback URL it sends back to."""
    base = authorize_url.split("?", 1)[0]
    params = dict(parse_qsl(urlsplit(authorize_url).query))
    response = httpx.post(base, data={**params, "login": login})
    assert response.status_code == 302, response.text
    return response.headers["location"]


def test_a_reception_member_signs_in_as_a_reader_of_contoso(sso_ui: SsoUi) -> None:
    with httpx.Client(base_url=sso_ui.url) as client:
        # given
        callback = entra_sign_in(start(client, BEN), BEN)
        # when
        landed = client.get(callback)
        shell = client.get("/admin/").text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', shell)
        assert csrf is not None
        viewer = client.post(
            "/graphql", json={"query": VIEWER}, headers={"x-csrf-token": csrf.group(1)}
        ).json()
    # then
    assert landed.status_code == 303
    assert landed.headers["location"] == "/admin/"
    assert viewer["data"]["viewer"] == {"role": "READER", "tenant": {"name": "Contoso"}}


def test_a_callback_without_the_flow_cookie_is_refused_clearly(sso_ui: SsoUi) -> None:
    # given
    with httpx.Client(base_url=sso_ui.url) as client:
        callback = entra_sign_in(start(client, ADA), ADA)
    # when (another browser: no flow cookie)
    response = httpx.get(callback)
    # then
    assert response.status_code == 400
    assert "This sign-in expired" in response.text
    assert "transom_session" not in response.headers.get("set-cookie", "")


def test_a_forged_state_is_refused_clearly(sso_ui: SsoUi) -> None:
    with httpx.Client(base_url=sso_ui.url) as client:
        # given
        callback = entra_sign_in(start(client, ADA), ADA)
        forged = re.sub(r"state=[^&]+", "state=forged", callback)
        # when
        response = client.get(forged)
    # then
    assert response.status_code == 403
    assert "Microsoft did not sign you in" in response.text
    assert "transom_session" not in response.headers.get("set-cookie", "")


def test_id_tokens_with_a_foreign_signature_or_audience_are_refused() -> None:
    # given
    emulator_key = SigningKey.generate()
    app = create_emulator(seed="demo", signing_key_pem=emulator_key.pem())
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {
        "iss": f"https://login.microsoftonline.com/{TENANT_ID}/v2.0",
        "aud": CLIENT_ID,
        "tid": TENANT_ID,
        "oid": "o-1",
        "iat": now,
        "exp": now + 600,
    }
    header = {"kid": emulator_key.kid}
    forged = jwt.encode(claims, forger, algorithm="RS256", headers=header)
    wrong_audience = jwt.encode(
        {**claims, "aud": "someone-else"},
        emulator_key.private_key,
        algorithm="RS256",
        headers=header,
    )
    genuine = jwt.encode(
        claims, emulator_key.private_key, algorithm="RS256", headers=header
    )
    with serve_in_thread(app) as url:
        entra = EntraApp(
            ClientSecretCredentials(TENANT_ID, CLIENT_ID, CLIENT_SECRET),
            GraphEndpoints(url, url),
        )
        # when / then
        assert validated_claims(entra, genuine)["oid"] == "o-1"
        for token, reason in ((forged, "Signature"), (wrong_audience, "Audience")):
            with pytest.raises(EntraSignInError, match=reason):
                validated_claims(entra, token)
