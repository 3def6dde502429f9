"""Who the caller is."""

from __future__ import annotations

import strawberry

from transom.api.context import Info
from transom.api.enums import Role
from transom.api.tenants.types import Tenant, visible_tenant


@strawberry.type(description="The authenticated caller.")
class Viewer:
    role: Role = strawberry.field(description="What your token may do.")
    tenant_id: strawberry.ID | None = strawberry.field(
        description="Your tenant; null for superadmins."
    )

    @strawberry.field(description="The caller's tenant; null for superadmins.")
    async def tenant(self, info: Info) -> Tenant | None:
        if self.tenant_id is None:
            return None
        return Tenant.from_model(await visible_tenant(info, self.tenant_id))


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="Who you are, by your token.")
    async def viewer(self, info: Info) -> Viewer:
        viewer = await info.context.viewer()
        tenant_id = strawberry.ID(viewer.tenant_id) if viewer.tenant_id else None
        return Viewer(role=Role(viewer.role.value), tenant_id=tenant_id)
