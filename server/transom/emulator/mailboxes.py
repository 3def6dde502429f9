"""Resolving the ``{id}`` of ``/users/{id}/...`` for Outlook routes.

Order as Graph answers: token (401), role (403), user unknown (404
``ErrorInvalidUser``), user without Exchange mailbox (404
``MailboxNotEnabledForRESTAPI``), access policy (403 ``ErrorAccessDenied``).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from .auth import AppContext, authorize, check_access_policy
from .errors import GraphError
from .model import Tenant, User
from .store import Emulator


@dataclass(frozen=True)
class Mailbox:
    """An authorised request against one user's mailbox."""

    emulator: Emulator
    context: AppContext
    user: User

    @property
    def tenant(self) -> Tenant:
        return self.context.tenant


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def invalid_user(key: str) -> GraphError:
    return GraphError(
        404, "ErrorInvalidUser", f"The requested user '{key}' is invalid."
    )


def open_mailbox(request: Request, role: str, key: str | None = None) -> Mailbox:
    """Authorise ``role`` on the mailbox named by ``key`` (default: path ``user``)."""
    emulator = emulator_of(request)
    context = authorize(request, emulator, role=role)
    key = key or request.path_params["user"]
    user = emulator.find_user(context.tenant, key)
    if user is None:
        raise invalid_user(key)
    if not user.has_mailbox:
        raise GraphError(
            404,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        )
    check_access_policy(context, user.addresses())
    return Mailbox(emulator, context, user)
