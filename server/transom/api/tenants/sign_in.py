"""Sign in with Microsoft for a tenant's admins, set from the admin UI.

The same settings as ``transom sso enable``: whether it is on, the e-mail
domains whose people sign in to this tenant, and the rules that map Entra
users, groups or app roles to ADMIN or READER (no match: no access).
"""

from __future__ import annotations

import re
from typing import Annotated

import strawberry

from transom.admin_auth.entra_sign_in import CALLBACK_PATH
from transom.api.context import Info
from transom.api.enums import Role, RuleKind
from transom.api.payloads import Payload, UserErrors
from transom.api.tenants.types import visible_tenant
from transom.db import sso as sso_repo
from transom.domain.errors import ConflictError, InvalidInputError
from transom.domain.sign_in_roles import SIGN_IN_ROLES, RoleRule

DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
MAX_RULES = 50
MAX_VALUE = 320


@strawberry.type(description="One role rule of Sign in with Microsoft.")
class SignInRule:
    kind: RuleKind = strawberry.field(description="What the rule matches.")
    value: str = strawberry.field(
        description="The user principal name or object id, group object id or "
        "app role value."
    )
    role: Role = strawberry.field(description="ADMIN or READER.")


@strawberry.type(description="Sign in with Microsoft for a tenant's admins.")
class TenantSignIn:
    tenant_id: strawberry.ID = strawberry.field(description="The tenant.")
    enabled: bool = strawberry.field(description="Whether it is on.")
    domains: list[str] = strawberry.field(
        description="E-mail domains whose people sign in to this tenant."
    )
    rules: list[SignInRule] = strawberry.field(
        description="Who gets which role; the strongest match wins, no match: "
        "no access."
    )
    redirect_uri: str | None = strawberry.field(
        description="The redirect URI to register (type Web) in the tenant's "
        "Entra app; null until TRANSOM_PUBLIC_URL is set."
    )


@strawberry.input(description="A role rule.")
class SignInRuleInput:
    kind: RuleKind = strawberry.field(description="What the rule matches.")
    value: str = strawberry.field(
        description="What it must equal (1 to 320 characters)."
    )
    role: Role = strawberry.field(description="ADMIN or READER.")


@strawberry.input(description="Sign in with Microsoft settings (all replaced).")
class TenantSignInInput:
    enabled: bool = strawberry.field(description="On or off (off forgets the rest).")
    domains: list[str] = strawberry.field(
        default_factory=list, description="E-mail domains, e.g. contoso.com."
    )
    rules: list[SignInRuleInput] = strawberry.field(
        default_factory=list, description="The role rules (at most 50)."
    )


@strawberry.type(description="What setTenantSignIn answers.")
class SetTenantSignInPayload(Payload):
    sign_in: TenantSignIn | None = strawberry.field(
        default=None, description="The settings as saved; null when refused."
    )


async def _read(info: Info, tenant_id: str) -> TenantSignIn:
    async with info.context.db() as session:
        enabled = await sso_repo.sso_enabled(session, tenant_id=tenant_id)
        domains = await sso_repo.domains_of(session, tenant_id=tenant_id)
        rules = await sso_repo.rules_of(session, tenant_id=tenant_id)
    public = info.context.services.settings.public_url
    return TenantSignIn(
        tenant_id=strawberry.ID(tenant_id),
        enabled=enabled,
        domains=domains,
        rules=[SignInRule(kind=r.kind, value=r.value, role=r.role) for r in rules],
        redirect_uri=f"{public.rstrip('/')}{CALLBACK_PATH}" if public else None,
    )


def _checked(input: TenantSignInInput) -> tuple[list[str], list[RoleRule]]:
    domains = sorted({d.strip().lower() for d in input.domains if d.strip()})
    for domain in domains:
        if not DOMAIN.match(domain):
            raise InvalidInputError(f"{domain!r} is not a domain name", field="domains")
    if input.enabled and not domains:
        raise InvalidInputError(
            "name the e-mail domain(s) whose people sign in here", field="domains"
        )
    if len(input.rules) > MAX_RULES:
        raise InvalidInputError(f"at most {MAX_RULES} rules", field="rules")
    rules = []
    for rule in input.rules:
        value = rule.value.strip()
        if not value or len(value) > MAX_VALUE:
            raise InvalidInputError(
                f"a rule's value has 1 to {MAX_VALUE} characters", field="rules"
            )
        if rule.role not in SIGN_IN_ROLES:
            raise InvalidInputError("a rule gives ADMIN or READER", field="rules")
        rules.append(RoleRule(rule.kind, value, rule.role))
    return domains, rules


@strawberry.type
class TenantSignInQueries:
    @strawberry.field(description="Sign in with Microsoft for the tenant (admins).")
    async def tenant_sign_in(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The tenant (yours, unless superadmin)."),
        ],
    ) -> TenantSignIn | None:
        viewer = await info.context.viewer()
        viewer.require_admin()
        tenant = await visible_tenant(info, tenant_id)
        return await _read(info, tenant.id)


@strawberry.type
class TenantSignInMutations:
    @strawberry.mutation(
        description="Turn Sign in with Microsoft on or off for the tenant's admins "
        "and set its domains and role rules (replacing them)."
    )
    async def set_tenant_sign_in(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The tenant.")
        ],
        input: Annotated[
            TenantSignInInput, strawberry.argument(description="The settings.")
        ],
    ) -> SetTenantSignInPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_admin()
            tenant = await visible_tenant(info, tenant_id)
            domains, rules = _checked(input)
            async with info.context.db() as session:
                if not input.enabled:
                    await sso_repo.disable_sso(session, tenant_id=tenant.id)
                else:
                    for domain in domains:
                        owner = await sso_repo.domain_owner(session, domain=domain)
                        if owner is not None and owner != tenant.id:
                            raise ConflictError(
                                f"{domain} already signs in to another tenant"
                            )
                    await sso_repo.replace_settings(
                        session, tenant_id=tenant.id, domains=domains, rules=rules
                    )
                await session.commit()
            return SetTenantSignInPayload(sign_in=await _read(info, tenant.id))
        return errors.payload(SetTenantSignInPayload)
