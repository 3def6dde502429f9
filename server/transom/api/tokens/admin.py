"""API tokens for admins: list a tenant's tokens, create one, revoke one.

A token's secret is answered once, by ``createApiToken``; only its hash is
kept. Revoking publishes on the token's access channel, so its open websockets
close at once in every process (:mod:`transom.api.transport.socket_access`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from transom.api.context import Info
from transom.api.enums import Role
from transom.api.node import Node
from transom.api.payloads import Payload, UserErrors
from transom.api.scope import tenant_scope
from transom.db import models
from transom.db import tenants as tenant_repo
from transom.db import tokens as token_repo
from transom.domain.access import TOKEN_ROLES, Viewer
from transom.domain.errors import InvalidInputError, NotFoundError
from transom.pubsub import access_channel, tenant_channel

NAME_LIMIT = 200


@strawberry.type(
    description="An API token of a tenant (its secret is never shown again)."
)
class ApiToken(Node):
    id: strawberry.ID = strawberry.field(description="The token's id.")
    name: str = strawberry.field(description="What the token is for.")
    role: Role = strawberry.field(description="What the token may do.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    last_used_at: datetime | None = strawberry.field(
        description="When it last authenticated a request (UTC, one minute "
        "resolution); null: never."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked (UTC); null while it works."
    )
    active: bool = strawberry.field(description="Whether it still works.")

    @classmethod
    def from_model(cls, row: models.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name or "",
            role=Role(row.role),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
            active=row.revoked_at is None,
        )


def _visible(
    viewer: Viewer, row: models.ApiToken | None, token_id: str
) -> models.ApiToken:
    """A tenant's token the viewer administers; otherwise NOT_FOUND."""
    if row is None or row.tenant_id is None or not viewer.can_see_tenant(row.tenant_id):
        raise NotFoundError.of("ApiToken", token_id)
    return row


@strawberry.type
class ApiTokenQueries:
    @strawberry.field(
        description="A tenant's API tokens, oldest first, revoked ones too "
        "(admins only)."
    )
    async def api_tokens(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The tenant: superadmins must name one; others may "
                "give only their own. Omitted: your tenant."
            ),
        ] = None,
    ) -> list[ApiToken]:
        viewer = await info.context.viewer()
        viewer.require_admin()
        scope = tenant_scope(viewer, tenant_id)
        if scope is None:
            raise InvalidInputError("say which tenant", field="tenantId")
        async with info.context.db() as session:
            rows = await token_repo.list_tokens(session, tenant_id=scope)
        return [ApiToken.from_model(row) for row in rows]


@strawberry.input(description="A new API token.")
class CreateApiTokenInput:
    tenant_id: strawberry.ID = strawberry.field(description="The tenant it acts for.")
    name: str = strawberry.field(
        description="What it is for (the HR system's name): 1 to 200 characters."
    )
    role: Role = strawberry.field(description="ADMIN or READER.")


@strawberry.type(description="What createApiToken answers.")
class CreateApiTokenPayload(Payload):
    api_token: ApiToken | None = strawberry.field(
        default=None, description="The new token; null when refused."
    )
    secret: str | None = strawberry.field(
        default=None,
        description="The token to send as 'Authorization: Bearer <secret>'. "
        "Answered this once: only its hash is kept.",
    )


@strawberry.type(description="What revokeApiToken answers.")
class RevokeApiTokenPayload(Payload):
    api_token: ApiToken | None = strawberry.field(
        default=None, description="The revoked token; null when refused."
    )


@strawberry.type
class ApiTokenMutations:
    @strawberry.mutation(
        description="Create an API token for a tenant (admins of that tenant). "
        "Its secret is answered once."
    )
    async def create_api_token(
        self,
        info: Info,
        input: Annotated[
            CreateApiTokenInput, strawberry.argument(description="The new token.")
        ],
    ) -> CreateApiTokenPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_admin()
            name = input.name.strip()
            if not name or len(name) > NAME_LIMIT:
                raise InvalidInputError(
                    "give the token a name of 1 to 200 characters", field="name"
                )
            if input.role not in TOKEN_ROLES:
                raise InvalidInputError(
                    "a tenant's token is ADMIN or READER", field="role"
                )
            viewer.check_tenant(input.tenant_id, "Tenant", input.tenant_id)
            async with info.context.db() as session:
                tenant = await tenant_repo.get_tenant(
                    session, tenant_id=input.tenant_id
                )
                if tenant is None:
                    raise NotFoundError.of("Tenant", input.tenant_id)
                row, secret = await token_repo.create_token(
                    session, tenant_id=tenant.id, role=input.role, name=name
                )
                await session.commit()
            await _publish(info, row)
            return CreateApiTokenPayload(
                api_token=ApiToken.from_model(row), secret=secret
            )
        return errors.payload(CreateApiTokenPayload)

    @strawberry.mutation(
        description="Revoke an API token: it stops working at once and its open "
        "websockets close, in every process."
    )
    async def revoke_api_token(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The token to revoke.")
        ],
    ) -> RevokeApiTokenPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_admin()
            async with info.context.db() as session:
                found = await token_repo.get_token(session, token_id=id)
                row = _visible(viewer, found, id)
                await token_repo.revoke_token(
                    session, token_id=row.id, now=info.context.now
                )
                await session.commit()
            bus = info.context.services.bus
            await bus.publish(access_channel(row.id), {"type": "revoked"})
            await _publish(info, row)
            return RevokeApiTokenPayload(api_token=ApiToken.from_model(row))
        return errors.payload(RevokeApiTokenPayload)


async def _publish(info: Info, row: models.ApiToken) -> None:
    """Other admins' open token lists update."""
    if row.tenant_id is not None:
        await info.context.services.bus.publish(
            tenant_channel(row.tenant_id), {"type": "apiToken", "tokenId": row.id}
        )
