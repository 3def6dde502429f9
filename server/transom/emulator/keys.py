"""The token signing key and its JWKS document.

One RSA key per emulator, kept in the state file so issued tokens stay valid
across restarts. Tokens are RS256 with a ``kid`` header matching the JWKS.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SigningKey:
    """RSA key pair signing access tokens.

    >>> key = SigningKey.generate(); key.jwks()["keys"][0]["kid"] == key.kid
    True
    """

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self.private_key = private_key
        public = private_key.public_key().public_numbers()
        self.kid = hashlib.sha1(_b64(public.n).encode()).hexdigest()[:27]

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return cls(key)

    def pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def jwks(self) -> dict[str, Any]:
        public = self.private_key.public_key().public_numbers()
        key = {"kty": "RSA", "use": "sig", "kid": self.kid, "x5t": self.kid}
        key.update({"n": _b64(public.n), "e": _b64(public.e)})
        return {"keys": [key]}
