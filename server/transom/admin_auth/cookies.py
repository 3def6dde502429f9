"""The session cookie and the checks that keep other sites from using it.

- The cookie is HttpOnly (scripts cannot read it), SameSite=Lax (not sent on
  cross-site POSTs or subresource requests) and Secure when the request came
  over https or ``TRANSOM_PUBLIC_URL`` is https.
- State-changing requests must also echo the session's CSRF token, which a
  page of ours receives in its HTML and another site cannot read.
- Websockets are not covered by SameSite or CORS, so their handshake must come
  from our own origin.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import Response

from transom.domain.errors import PermissionDeniedError

SESSION_COOKIE = "transom_session"
SIGN_IN_CSRF_COOKIE = "transom_sign_in_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_https(connection: HTTPConnection, public_url: str | None) -> bool:
    if public_url is not None and public_url.startswith("https://"):
        return True
    return connection.url.scheme in ("https", "wss")


def set_cookie(
    response: Response,
    connection: HTTPConnection,
    public_url: str | None,
    *,
    name: str,
    value: str,
    max_age: int,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(connection, public_url),
    )


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax")


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(connection: HTTPConnection, public_url: str | None) -> bool:
    """True when the Origin header names this server (its Host, or the public
    URL). A missing Origin is refused: browsers always send it on websockets."""
    origin = connection.headers.get("origin")
    if not origin:
        return False
    origin_host = urlsplit(origin).netloc.lower()
    allowed = {connection.headers.get("host", "").lower()}
    if public_url is not None:
        allowed.add(urlsplit(public_url).netloc.lower())
    return origin_host in allowed


def check_cookie_request(
    connection: HTTPConnection, csrf_token: str, public_url: str | None
) -> None:
    """Refuse a cookie-authenticated request another site could have forged:
    a websocket from a foreign origin, or an unsafe HTTP method without the
    session's CSRF token in the ``X-CSRF-Token`` header."""
    if connection.scope["type"] == "websocket":
        if not same_origin(connection, public_url):
            raise PermissionDeniedError(
                "this websocket comes from another site: open the admin UI on "
                "this server's own address"
            )
        return
    method = connection.scope.get("method", "GET")
    if method in SAFE_METHODS:
        return
    if not tokens_match(csrf_token, connection.headers.get(CSRF_HEADER)):
        raise PermissionDeniedError(
            "missing or wrong CSRF token: send the X-CSRF-Token header the "
            "admin page was given (reload the page if your session changed)"
        )
