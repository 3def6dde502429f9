"""Which Transom role a person signing in with Microsoft gets in a tenant.

A tenant's rules map an Entra user (by ``preferred_username`` or object id), a
security group (object id in the ``groups`` claim) or an app role (value in
the ``roles`` claim) to ADMIN or READER. The strongest matching role wins;
no match means no access.

>>> rules = [RoleRule(RuleKind.GROUP, "g1", Role.READER)]
>>> role_for(rules, EntraIdentity("oid", "ada@x", groups=("g1",), roles=()))
<Role.READER: 'READER'>
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from transom.domain.access import Role

SIGN_IN_ROLES = (Role.ADMIN, Role.READER)


class RuleKind(StrEnum):
    USER = "user"
    GROUP = "group"
    APP_ROLE = "app_role"


@dataclass(frozen=True)
class RoleRule:
    kind: RuleKind
    value: str
    role: Role


@dataclass(frozen=True)
class EntraIdentity:
    """The claims of a validated ID token that the rules look at."""

    object_id: str
    username: str
    groups: tuple[str, ...]
    roles: tuple[str, ...]


def _matches(rule: RoleRule, who: EntraIdentity) -> bool:
    if rule.kind is RuleKind.USER:
        return rule.value.lower() in (who.username.lower(), who.object_id.lower())
    if rule.kind is RuleKind.GROUP:
        return rule.value.lower() in (g.lower() for g in who.groups)
    return rule.value in who.roles


def role_for(rules: Iterable[RoleRule], who: EntraIdentity) -> Role | None:
    """ADMIN if any matching rule says so, else READER if one does, else None."""
    found = {rule.role for rule in rules if _matches(rule, who)}
    for role in SIGN_IN_ROLES:
        if role in found:
            return role
    return None
