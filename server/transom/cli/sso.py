"""`transom sso ...`: turn Sign in with Microsoft on or off for a tenant and map
Entra users, groups and app roles to Transom roles.

    transom sso enable <tenant> --domain contoso.com --admins-group <id> \
        --readers-group <id> --user ada@contoso.com=admin --app-role Transom.Read=reader
    transom sso show <tenant>
    transom sso disable <tenant>
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transom.admin_auth.entra_sign_in import CALLBACK_PATH
from transom.cli.admins import in_session
from transom.db import sso as sso_repo
from transom.db import tenants as tenant_repo
from transom.domain.access import Role
from transom.domain.sign_in_roles import RoleRule, RuleKind
from transom.settings import Settings


class SsoError(ValueError):
    """Bad arguments; the message says why."""


def add_sso_commands(commands: argparse._SubParsersAction[Any]) -> None:
    sso = commands.add_parser(
        "sso", help="Sign in with Microsoft for a tenant's admins"
    ).add_subparsers(required=True, metavar="action")
    enable = sso.add_parser(
        "enable", help="turn it on and add role rules (repeat to add more)"
    )
    enable.add_argument("tenant", help="tenant id")
    enable.add_argument(
        "--domain",
        action="append",
        default=[],
        help="e-mail domain of its people (default: the tenant's verified domains)",
    )
    enable.add_argument("--admins-group", action="append", default=[], metavar="ID")
    enable.add_argument("--readers-group", action="append", default=[], metavar="ID")
    enable.add_argument(
        "--user", action="append", default=[], metavar="UPN=admin|reader"
    )
    enable.add_argument(
        "--app-role", action="append", default=[], metavar="VALUE=admin|reader"
    )
    enable.set_defaults(run=_enable)
    show = sso.add_parser("show", help="print domains, rules and the redirect URI")
    show.add_argument("tenant")
    show.set_defaults(run=_show)
    disable = sso.add_parser("disable", help="turn it off and forget the rules")
    disable.add_argument("tenant")
    disable.set_defaults(run=_disable)


def _role(text: str) -> Role:
    roles = {"admin": Role.ADMIN, "reader": Role.READER}
    if text.lower() not in roles:
        raise SsoError(f"{text!r} is not a role: use admin or reader")
    return roles[text.lower()]


def _pair(kind: RuleKind, text: str) -> RoleRule:
    value, sep, role = text.rpartition("=")
    if not sep or not value:
        raise SsoError(f"{text!r}: write VALUE=admin or VALUE=reader")
    return RoleRule(kind, value.strip(), _role(role.strip()))


def rules_from(args: argparse.Namespace) -> list[RoleRule]:
    return [
        *(RoleRule(RuleKind.GROUP, g, Role.ADMIN) for g in args.admins_group),
        *(RoleRule(RuleKind.GROUP, g, Role.READER) for g in args.readers_group),
        *(_pair(RuleKind.USER, u) for u in args.user),
        *(_pair(RuleKind.APP_ROLE, r) for r in args.app_role),
    ]


async def enable_sso_for_cli(
    settings: Settings, tenant_id: str, domains: list[str], rules: list[RoleRule]
) -> list[str]:
    async def enable(session: AsyncSession) -> list[str]:
        tenant = await tenant_repo.get_tenant(session, tenant_id=tenant_id)
        if tenant is None:
            raise SsoError(f"there is no tenant {tenant_id!r}")
        chosen = domains or list(tenant.verified_domains or [])
        if not chosen and not await sso_repo.domains_of(session, tenant_id=tenant_id):
            raise SsoError("give --domain: the tenant has no verified domains yet")
        for domain in chosen:
            owner = await sso_repo.domain_owner(session, domain=domain)
            if owner is not None and owner != tenant_id:
                raise SsoError(f"{domain} signs in to another tenant ({owner})")
        await sso_repo.enable_sso(session, tenant_id=tenant_id, domains=chosen)
        for rule in rules:
            await sso_repo.set_rule(session, tenant_id=tenant_id, rule=rule)
        return await _describe(session, settings, tenant_id)

    return await in_session(settings, enable)


async def _describe(
    session: AsyncSession, settings: Settings, tenant_id: str
) -> list[str]:
    if not await sso_repo.sso_enabled(session, tenant_id=tenant_id):
        return [f"Sign in with Microsoft is off for {tenant_id}"]
    base = (settings.public_url or "http://<this server>").rstrip("/")
    lines = [
        f"Sign in with Microsoft is on for {tenant_id}",
        f"redirect URI: {base}{CALLBACK_PATH}",
        "domains: "
        + ", ".join(await sso_repo.domains_of(session, tenant_id=tenant_id)),
    ]
    rules = await sso_repo.rules_of(session, tenant_id=tenant_id)
    lines += [f"{r.kind.value} {r.value} -> {r.role.value.lower()}" for r in rules]
    if not rules:
        lines.append("no role rules yet: nobody can sign in")
    return lines


def _run(work: Any) -> None:
    try:
        lines = asyncio.run(work)
    except ValueError as exc:
        print(f"transom: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    print("\n".join(lines))


def _enable(args: argparse.Namespace) -> None:
    try:
        rules = rules_from(args)
    except SsoError as exc:
        print(f"transom: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    settings = Settings.from_env()
    _run(enable_sso_for_cli(settings, args.tenant, args.domain, rules))


def _show(args: argparse.Namespace) -> None:
    settings = Settings.from_env()

    async def show(session: AsyncSession) -> list[str]:
        return await _describe(session, settings, args.tenant)

    _run(in_session(settings, show))


def _disable(args: argparse.Namespace) -> None:
    settings = Settings.from_env()

    async def disable(session: AsyncSession) -> list[str]:
        await sso_repo.disable_sso(session, tenant_id=args.tenant)
        return [f"Sign in with Microsoft is off for {args.tenant}"]

    _run(in_session(settings, disable))
