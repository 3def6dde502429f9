"""Secrets at rest and API token hashing.

Tenant client secrets and certificates are encrypted with a Fernet key derived
from ``TRANSOM_SECRET_KEY``. API tokens are random, so a SHA-256 digest is enough
to store them: no brute force can reach 256 bits of entropy.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken

TOKEN_PREFIX = "trn_"


class SecretBox:
    """Encrypts and decrypts short secrets with a key derived from the app key."""

    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"transom-secrets:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise ValueError(
                "stored secret cannot be decrypted: TRANSOM_SECRET_KEY changed?"
            ) from exc


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
