"""Bearer-token checks for Graph routes.

``authorize(request, emulator, role=..., mailbox=...)`` is the one gate every
Graph handler passes (the edges modules use it too). It raises
:class:`~.errors.GraphError` exactly as Graph answers:

- 401 ``InvalidAuthenticationToken``: header missing, token malformed, bad
  signature, wrong audience, expired;
- 403 ``ErrorAccessDenied`` "Access is denied. Check credentials and try again."
  for Outlook roles (Calendars.*, MailboxSettings.*) the app lacks, and
  ``Authorization_RequestDenied`` "Insufficient privileges to complete the
  operation." for directory roles (User.*, Place.*, Organization.*);
- 403 ``ErrorAccessDenied`` "[RAOP]" when the app's access policy excludes
  ``mailbox``.

A role is satisfied by itself or any broader role (``Calendars.Read`` by
``Calendars.ReadWrite``; ``User.Read.All`` by ``Directory.Read.All``...).
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from starlette.requests import Request

from .errors import GraphError
from .model import App, Tenant
from .store import Emulator

GRAPH_AUDIENCE = "https://graph.microsoft.com"

IMPLIED_BY: dict[str, tuple[str, ...]] = {
    "Calendars.ReadBasic": (
        "Calendars.ReadBasic.All",
        "Calendars.Read",
        "Calendars.ReadWrite",
    ),
    "Calendars.Read": ("Calendars.ReadWrite",),
    "MailboxSettings.Read": ("MailboxSettings.ReadWrite",),
    "User.Read.All": (
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ),
    "Place.Read.All": ("Place.ReadWrite.All",),
    "Organization.Read.All": (
        "Organization.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "User.Read.All",
    ),
}

OUTLOOK_PREFIXES = ("Calendars.", "MailboxSettings.", "Mail.", "Contacts.")


@dataclass(frozen=True)
class AppContext:
    """Who is calling: the directory, the app and the roles in its token."""

    tenant: Tenant
    app: App
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles or any(
            r in self.roles for r in IMPLIED_BY.get(role, ())
        )


def _unauthorized(message: str) -> GraphError:
    return GraphError(401, "InvalidAuthenticationToken", message)


def authenticate(request: Request, emulator: Emulator) -> AppContext:
    """Validate the Bearer token; no role check."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Access token is empty.")
    key = emulator.signing_key.private_key.public_key()
    try:
        claims = jwt.decode(
            token.strip(), key, algorithms=["RS256"], audience=GRAPH_AUDIENCE
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized(
            "Lifetime validation failed, the token is expired."
        ) from exc
    except jwt.InvalidTokenError as exc:
        raise _unauthorized("Invalid JWT access token.") from exc
    tenant = emulator.tenants.get(str(claims.get("tid")))
    app = tenant.apps.get(str(claims.get("appid"))) if tenant else None
    if tenant is None or app is None:
        raise _unauthorized("Invalid JWT access token.")
    return AppContext(tenant, app, frozenset(claims.get("roles", [])))


def authorize(
    request: Request, emulator: Emulator, *, role: str, mailbox: str | None = None
) -> AppContext:
    """Authenticate, require ``role`` and, for ``mailbox``, the access policy."""
    context = authenticate(request, emulator)
    if not context.has(role):
        if role.startswith(OUTLOOK_PREFIXES):
            raise GraphError(
                403,
                "ErrorAccessDenied",
                "Access is denied. Check credentials and try again.",
            )
        raise GraphError(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    if mailbox is not None:
        check_access_policy(context, [mailbox])
    return context


def check_access_policy(context: AppContext, addresses: list[str]) -> None:
    """403 [RAOP] unless the app's access policy covers one of ``addresses``."""
    policy = context.app.access_policy
    if policy is None or any(a.lower() in policy for a in addresses):
        return
    raise GraphError(
        403,
        "ErrorAccessDenied",
        "Access to OData is disabled: [RAOP] : Blocked by tenant configured "
        "AppOnly AccessPolicy settings.",
    )
