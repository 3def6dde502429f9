"""Browser apps on other origins (``TRANSOM_CORS_ORIGINS``) may call /graphql.

Only the listed origins get CORS headers; they send a bearer token (the admin
session cookie is never sent cross-site: it is SameSite=Lax and credentials
are not allowed). Without the setting no other origin is allowed, as before.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from transom.settings import Settings

PREFLIGHT_CACHE_SECONDS = 600


def cors_middleware(settings: Settings) -> list[Middleware]:
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            allow_credentials=False,
            max_age=PREFLIGHT_CACHE_SECONDS,
        )
    ]
