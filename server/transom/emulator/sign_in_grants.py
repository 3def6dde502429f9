"""Authorization codes and refresh tokens of the delegated sign-in flow.

Held in memory per emulator (a restart forgets them, as a restart of a real
client would have to sign in again after losing its cache). A code lives
:data:`CODE_LIFETIME` seconds and is redeemed once; PKCE (RFC 7636) is checked
when the authorize request carried a ``code_challenge``. A refresh token is
replaced by a new one each time it is used. Failures raise
:class:`~.entra_errors.EntraError` with Entra's codes:

- AADSTS70000 code unknown or issued to another app; AADSTS700005 issued in
  another tenant; AADSTS54005 already redeemed; AADSTS70008 expired;
- AADSTS501481 PKCE verifier missing or not matching the challenge;
- AADSTS500117 ``redirect_uri`` not the one the code was issued for;
- AADSTS9002313 refresh token unknown, or issued to another app or tenant.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from .entra_errors import EntraError
from .store import Emulator

CODE_LIFETIME = 600.0
REFRESH_LIFETIME = 90 * 24 * 3600.0


@dataclass(frozen=True)
class SignedInUser:
    """Who signed in, to which app, asking for what (the grant behind a code)."""

    tenant_id: str
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    nonce: str | None = None


@dataclass(frozen=True)
class CodeGrant:
    grant: SignedInUser
    redirect_uri: str
    challenge: str | None
    challenge_method: str
    expires: float


def _invalid_grant(code: int, message: str) -> EntraError:
    return EntraError(400, "invalid_grant", code, message)


def pkce_matches(verifier: str, challenge: str, method: str) -> bool:
    """RFC 7636 §4.6: S256 compares BASE64URL(SHA256(verifier)), plain the text.

    >>> pkce_matches("abc", "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", "S256")
    True
    """
    if method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = verifier
    return hmac.compare_digest(expected.encode(), challenge.encode())


@dataclass
class SignInGrants:
    """The codes and refresh tokens of one emulator."""

    codes: dict[str, CodeGrant] = field(default_factory=dict)
    redeemed: set[str] = field(default_factory=set)
    refresh_tokens: dict[str, tuple[SignedInUser, float]] = field(default_factory=dict)

    def issue_code(
        self,
        grant: SignedInUser,
        *,
        redirect_uri: str,
        challenge: str | None,
        challenge_method: str,
        now: float,
    ) -> str:
        code = "1.A" + secrets.token_urlsafe(48)
        self.codes[code] = CodeGrant(
            grant, redirect_uri, challenge, challenge_method, now + CODE_LIFETIME
        )
        return code

    def redeem_code(
        self,
        code: str,
        *,
        tenant_id: str,
        client_id: str,
        redirect_uri: str,
        verifier: str | None,
        now: float,
    ) -> SignedInUser:
        if code in self.redeemed:
            raise _invalid_grant(
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a "
                "new valid code or use an existing refresh token.",
            )
        found = self.codes.get(code)
        if found is None or found.grant.client_id != client_id:
            raise _invalid_grant(
                70000, "The provided value for the 'code' parameter is not valid."
            )
        if found.grant.tenant_id != tenant_id:
            raise _invalid_grant(
                700005,
                "Provided Authorization Code is intended to use against other tenant, "
                "thus rejected.",
            )
        if now >= found.expires:
            del self.codes[code]
            raise _invalid_grant(
                70008,
                "The provided authorization code or refresh token has expired due to "
                "inactivity. Send a new interactive authorization request for this "
                "user and resource.",
            )
        if redirect_uri != found.redirect_uri:
            raise _invalid_grant(
                500117,
                f"The reply uri specified in the request '{redirect_uri}' does not "
                "match the reply uri the authorization code was issued for.",
            )
        if found.challenge is not None and not (
            verifier and pkce_matches(verifier, found.challenge, found.challenge_method)
        ):
            raise _invalid_grant(
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the "
                "authorization request.",
            )
        del self.codes[code]
        self.redeemed.add(code)
        return found.grant

    def issue_refresh_token(self, grant: SignedInUser, *, now: float) -> str:
        token = "1.A" + secrets.token_urlsafe(96)
        self.refresh_tokens[token] = (grant, now + REFRESH_LIFETIME)
        return token

    def use_refresh_token(
        self, token: str, *, tenant_id: str, client_id: str, now: float
    ) -> SignedInUser:
        found = self.refresh_tokens.get(token)
        if found is None or now >= found[1]:
            raise _invalid_grant(
                9002313, "Invalid request. Request is malformed or invalid."
            )
        grant = found[0]
        if grant.client_id != client_id or grant.tenant_id != tenant_id:
            raise _invalid_grant(
                9002313, "Invalid request. Request is malformed or invalid."
            )
        del self.refresh_tokens[token]
        return grant


_GRANTS: WeakKeyDictionary[Emulator, SignInGrants] = WeakKeyDictionary()


def grants_of(emulator: Emulator) -> SignInGrants:
    """The sign-in grants of ``emulator`` (created on first use)."""
    if emulator not in _GRANTS:
        _GRANTS[emulator] = SignInGrants()
    return _GRANTS[emulator]
