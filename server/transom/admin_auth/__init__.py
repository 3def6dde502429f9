"""Signing admins in to the web UI: passwords, lockout, sessions and CSRF.

An admin signs in with email and password (argon2id hashes). A successful
sign-in creates an :class:`~transom.db.models.AdminSession`; the browser keeps
its random token in an HttpOnly cookie and we keep only the token's SHA-256.
Every state-changing request authenticated by that cookie must echo the
session's CSRF token (``X-CSRF-Token`` header or ``csrf`` form field).

A tenant's admins can instead sign in with Microsoft (:mod:`.entra_sign_in`
routes, :mod:`.entra_client` MSAL and ID token checks, :mod:`.entra_accounts`
role rules to account and session); the session is the same kind.
"""

from transom.admin_auth.passwords import hash_password, new_password, verify_password
from transom.admin_auth.sessions import SignedIn, find_signed_in

__all__ = [
    "SignedIn",
    "find_signed_in",
    "hash_password",
    "new_password",
    "verify_password",
]
