"""Certificate credentials: verifying a ``client_assertion`` JWT.

The app signs a JWT (RS256/PS256) with its certificate's private key; the header
names the certificate by ``x5t`` (SHA-1 thumbprint) or ``x5t#S256``; ``iss`` and
``sub`` are the client id and ``aud`` the token endpoint. Failures are Entra's
AADSTS700027 / AADSTS700024 / AADSTS700023.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .entra_errors import EntraError
from .model import App, Certificate


def _der(certificate_pem: str) -> bytes:
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    return cert.public_bytes(serialization.Encoding.DER)


def certificate_thumbprint(certificate_pem: str) -> str:
    """base64url SHA-1 thumbprint (the ``x5t`` header value)."""
    digest = hashlib.sha1(_der(certificate_pem)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _sha256_thumbprint(certificate_pem: str) -> str:
    digest = hashlib.sha256(_der(certificate_pem)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _invalid(message: str, code: int = 700027) -> EntraError:
    return EntraError(401, "invalid_client", code, message)


def _certificate_for(app: App, header: dict[str, object]) -> Certificate:
    sha1 = str(header.get("x5t", "")).rstrip("=")
    sha256 = str(header.get("x5t#S256", "")).rstrip("=")
    for cert in app.certificates:
        if sha1 == cert.thumbprint or sha256 == _sha256_thumbprint(
            cert.certificate_pem
        ):
            return cert
    raise _invalid(
        f"Client assertion failed signature validation. The key was not found. "
        f"App '{app.client_id}'."
    )


def verify_client_assertion(app: App, assertion: str, now: datetime) -> None:
    """Raise :class:`EntraError` unless ``assertion`` proves ``app``'s certificate."""
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.InvalidTokenError as exc:
        raise _invalid("Client assertion contains an invalid signature.") from exc
    cert = _certificate_for(app, header)
    public_key = x509.load_pem_x509_certificate(
        cert.certificate_pem.encode()
    ).public_key()
    try:
        claims = jwt.decode(
            assertion,
            public_key,  # type: ignore[arg-type]  # RSA keys only in practice
            algorithms=["RS256", "PS256"],
            options={"verify_aud": False, "verify_exp": False},
        )
    except jwt.InvalidTokenError as exc:
        raise _invalid("Client assertion failed signature validation.") from exc
    if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
        raise _invalid("Client assertion issuer or subject does not match.", 700023)
    if int(claims.get("exp", 0)) < now.timestamp():
        raise _invalid("Client assertion is not within its valid time range.", 700024)
    if not str(claims.get("aud", "")).rstrip("/").endswith("/token"):
        raise _invalid("Client assertion audience claim does not match.", 700021)
