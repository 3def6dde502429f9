"""Named starting states of the emulator.

- ``empty``: the directory "Contoso" (:data:`TENANT_ID`, ``contoso.onmicrosoft.com``)
  with one app (:data:`CLIENT_ID` / :data:`CLIENT_SECRET`, every role, admin
  consent) and nothing else: no users, rooms or events.
- ``demo``: the same directory and app plus rooms, users and a week of
  meetings around today (see :mod:`.demo_seed`), and the security groups
  Facilities (:data:`FACILITIES_GROUP_ID`, Ada Ahmed) and Reception
  (:data:`RECEPTION_GROUP_ID`, Ben Fischer) for sign-in role mapping.

The credentials are fixed so a demo can be configured without asking; the
control API (and :meth:`Emulator.credentials`) lists them too.
"""

from __future__ import annotations

from datetime import timedelta

from .model import Group, Secret, Tenant
from .provisioning import add_app, add_tenant
from .store import Emulator, iso

TENANT_ID = "8d3a5f2e-4c1b-4e7a-9f60-2b7c1d9e0a51"
TENANT_DOMAIN = "contoso.onmicrosoft.com"
CLIENT_ID = "5b0e7c9a-1f2d-4a6b-8c3e-7d9f0a1b2c3d"
CLIENT_SECRET = "Tx8Q~emulator.demo.secret-contoso-0123456789"
SECRET_ID = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"
FACILITIES_GROUP_ID = "6a1f3c2e-0b4d-4e8f-9a7c-5d2e1f0a3b4c"
RECEPTION_GROUP_ID = "7b2e4d3f-1c5e-4f9a-8b6d-6e3f2a1b4c5d"
SEEDS = ("empty", "demo")


def load_seed(emulator: Emulator, name: str) -> None:
    """Replace nothing, add the seed's records (call on a fresh emulator)."""
    if name not in SEEDS:
        raise ValueError(
            f"unknown emulator seed {name!r}; choose one of {', '.join(SEEDS)}"
        )
    emulator.seed = name
    tenant = add_tenant(emulator, "Contoso", TENANT_DOMAIN, tenant_id=TENANT_ID)
    app = add_app(emulator, tenant.id, "Transom", client_id=CLIENT_ID)
    expires = emulator.clock() + timedelta(days=365)
    app.secrets.append(Secret(id=SECRET_ID, value=CLIENT_SECRET, expires=iso(expires)))
    if name == "demo":
        from .demo_seed import populate

        populate(emulator, tenant)
        add_sign_in_groups(emulator, tenant)


def add_sign_in_groups(emulator: Emulator, tenant: Tenant) -> None:
    """Two security groups to map to Transom roles: Facilities (Ada Ahmed) and
    Reception (Ben Fischer); everyone else is in neither."""
    for gid, name, member in (
        (FACILITIES_GROUP_ID, "Facilities", "ada.ahmed"),
        (RECEPTION_GROUP_ID, "Reception", "ben.fischer"),
    ):
        user = emulator.find_user(tenant, f"{member}@{TENANT_DOMAIN}")
        tenant.groups[gid] = Group(gid, name, [user.id] if user else [])
