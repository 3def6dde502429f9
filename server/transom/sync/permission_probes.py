"""One real Graph call per permission: is it granted?

Shared by ``transom check`` (``transom.check.tenants``) and the API's
``testTenantPermissions`` (``transom.sync.commands.permissions``). A probe is a
read: ``Calendars.ReadWrite`` and ``MailboxSettings.ReadWrite`` are probed by
reading (a calendar, automatic replies), so an app holding only the ``.Read``
permission passes them; Transom never writes to Exchange to find out.

Graph answers a missing permission with 403 (``ErrorAccessDenied`` for
Outlook, ``Authorization_RequestDenied`` for the directory), which the adapter
raises as ``GraphAuthError(CONSENT_MISSING)``; an application access policy
that shuts out the probed mailbox is ``MailboxAccessDeniedError``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from transom.domain.onboarding import PermissionStatus, consent_fix
from transom.graph import (
    GraphAuthError,
    GraphAuthKind,
    GraphError,
    GraphTenantClient,
    MailboxAccessDeniedError,
)


@dataclass(frozen=True)
class Probe:
    permission: str
    purpose: str
    call: Callable[[GraphTenantClient], Awaitable[Any]]


@dataclass(frozen=True)
class ProbeResult:
    """What one probe found. ``token_failed``: Entra ID refused the token, so
    every further call would fail the same way."""

    permission: str
    purpose: str
    status: PermissionStatus
    message: str
    hint: str | None = None
    code: str | None = None
    token_failed: bool = False
    answer: Any = None


async def run_probe(probe: Probe, client: GraphTenantClient) -> ProbeResult:
    def result(status: PermissionStatus, message: str, **more: Any) -> ProbeResult:
        return ProbeResult(probe.permission, probe.purpose, status, message, **more)

    try:
        answer = await probe.call(client)
    except GraphAuthError as exc:
        if exc.kind is GraphAuthKind.CONSENT_MISSING:
            return result(
                PermissionStatus.MISSING,
                f"{probe.permission} is not granted ({probe.purpose} was refused)",
                hint=consent_fix(probe.permission),
                code=exc.code,
            )
        return result(
            PermissionStatus.NOT_TESTED,
            f"no token: {reason(exc)}",
            hint=exc.hint,
            code=exc.code,
            token_failed=True,
        )
    except MailboxAccessDeniedError as exc:
        return result(
            PermissionStatus.SHUT_OUT,
            f"the application access policy shuts out {probe.purpose}",
            hint=exc.hint,
            code=exc.code,
        )
    except GraphError as exc:
        return result(
            PermissionStatus.NOT_TESTED,
            f"{probe.purpose}: {reason(exc)}",
            hint=exc.hint,
            code=exc.code,
        )
    return result(
        PermissionStatus.GRANTED,
        f"{probe.permission}: {probe.purpose} works",
        answer=answer,
    )


def reason(exc: GraphError) -> str:
    kind = getattr(exc, "kind", None)
    label = str(kind).lower().replace("_", " ") if kind is not None else ""
    first = (str(exc).splitlines() or [""])[0][:160]
    return f"{label} ({first})" if label else first


async def fetch_organization(graph: GraphTenantClient) -> object:
    return await graph.fetch_organization()


async def fetch_users(graph: GraphTenantClient) -> object:
    return await graph.fetch_users()


async def fetch_rooms(graph: GraphTenantClient) -> object:
    return await graph.fetch_rooms()
