"""Who counts as a known organizer of a tenant (else the booking is anonymous).

Rule: an organizer is known when their address (case-insensitive) is the
primary address or an alias of one of the tenant's people. A tenant that has
not imported any people yet knows every address of its verified domains (read
from ``GET /organization`` when the connection is tested, kept in
``tenant.verified_domains``), so a fresh tenant does not show every
meeting as anonymous. The room's own mailbox is never a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models

SHOW_SUBJECT = "showSubject"  # key of domain.tenant_settings


@dataclass(frozen=True)
class Organizers:
    """A snapshot taken once per delta round."""

    addresses: frozenset[str]
    domains: frozenset[str]
    show_subjects: bool = True

    def knows(self, address: str | None) -> bool:
        if not address:
            return False
        address = address.lower()
        if self.addresses:
            return address in self.addresses
        return address.rpartition("@")[2] in self.domains


async def load_organizers(session: AsyncSession, *, tenant_id: str) -> Organizers:
    tenant = await session.get(models.Tenant, tenant_id)
    settings = (tenant.settings if tenant else None) or {}
    rows = await session.execute(
        select(models.Person.primary_email, models.Person.aliases).where(
            models.Person.tenant_id == tenant_id
        )
    )
    addresses: set[str] = set()
    for primary, aliases in rows.all():
        addresses.add(primary.lower())
        addresses.update(a.lower() for a in aliases or ())
    domains = (tenant.verified_domains if tenant else None) or []
    return Organizers(
        addresses=frozenset(addresses),
        domains=frozenset(str(d).lower() for d in domains),
        show_subjects=bool(settings.get(SHOW_SUBJECT, True)),
    )
