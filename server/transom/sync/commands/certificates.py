"""Check a certificate credential before it is stored.

azure-identity's ``CertificateCredential`` takes a PEM holding the private key
and the X.509 certificate whose public part is uploaded to the app
registration (Entra ID > App registrations > Certificates & secrets >
Certificates). A PEM without the key, a key that does not belong to the
certificate, or an expired certificate would be stored and then fail every
token request, so they are refused here, naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from transom.domain.errors import InvalidInputError

FIELD = "certificatePem"


@dataclass(frozen=True)
class CertificateInfo:
    thumbprint: str
    expires_at: datetime
    subject: str


def check_certificate(pem: str, now: datetime) -> CertificateInfo:
    """What the PEM holds; ``InvalidInputError`` unless key + valid certificate."""
    data = pem.strip().encode()
    if b"PRIVATE KEY" not in data or b"BEGIN CERTIFICATE" not in data:
        raise InvalidInputError(
            "the PEM must hold the private key and the certificate (e.g. "
            "cat transom.key transom.crt > transom.pem)",
            field=FIELD,
        )
    try:
        cert = x509.load_pem_x509_certificate(data)
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            "the PEM cannot be read (an encrypted key needs its password removed: "
            "openssl pkey -in transom.key -out plain.key)",
            field=FIELD,
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InvalidInputError("the key must be RSA or EC", field=FIELD)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise InvalidInputError(
            "the private key does not belong to the certificate", field=FIELD
        )
    expires = cert.not_valid_after_utc
    if expires <= now:
        raise InvalidInputError(
            f"the certificate expired on {expires:%Y-%m-%d}: create a new one",
            field=FIELD,
        )
    return CertificateInfo(
        cert.fingerprint(hashes.SHA1()).hex().upper(),  # Entra's thumbprint
        expires,
        cert.subject.rfc4514_string(),
    )
