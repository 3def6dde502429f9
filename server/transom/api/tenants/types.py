"""Tenant type, its Microsoft 365 connection, and tenant queries/mutations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from transom.api.context import Info
from transom.api.enums import ConnectionStatus, TenantFeature
from transom.api.node import Node
from transom.api.pagination import DEFAULT_PAGE, Connection, to_connection
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import Room
from transom.api.tenants.entra import EntraSetup
from transom.api.tenants.settings import TenantSettings, settings_of
from transom.db import models
from transom.db import rooms as room_repo
from transom.db import tenants as tenant_repo
from transom.domain.errors import InvalidInputError, NotFoundError
from transom.domain.onboarding import (
    DEFAULT_FEATURES,
    features_from_stored,
    features_to_stored,
)


@strawberry.type(description="The Microsoft 365 connection, explained.")
class MicrosoftConnection:
    status: ConnectionStatus = strawberry.field(
        description="Where the connection stands."
    )
    message: str | None = strawberry.field(description="What is wrong, in plain words.")
    code: str | None = strawberry.field(description="The Graph or AADSTS error code.")
    hint: str | None = strawberry.field(description="How to fix it.")
    checked_at: datetime | None = strawberry.field(
        description="When it was last checked (UTC); null if never."
    )


@strawberry.type(description="An organisation with its own Entra ID app.")
class Tenant(Node):
    id: strawberry.ID = strawberry.field(description="The tenant's id.")
    name: str = strawberry.field(description="The organisation's name.")
    time_zone: str = strawberry.field(
        description="IANA time zone, e.g. Europe/Copenhagen; rooms without their own use it."
    )
    directory_id: str | None = strawberry.field(description="Entra ID tenant id.")
    client_id: str | None = strawberry.field(description="Application (client) id.")
    secret_expires_at: datetime | None = strawberry.field(
        description="When the client secret expires (UTC), as entered; null when unknown or a certificate is used."
    )
    connection: MicrosoftConnection = strawberry.field(
        description="The Microsoft 365 connection and what is wrong with it."
    )
    features: list[TenantFeature] = strawberry.field(
        description="What the tenant uses Transom for (chosen when it was added); "
        "they decide the Graph permissions its app needs."
    )
    uses_certificate: bool = strawberry.field(
        description="The app authenticates with a certificate rather than a secret."
    )

    @classmethod
    def from_model(cls, row: models.Tenant) -> Tenant:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            time_zone=row.time_zone,
            directory_id=row.directory_id,
            client_id=row.client_id,
            secret_expires_at=row.secret_expires_at,
            connection=MicrosoftConnection(
                status=ConnectionStatus(row.connection_status),
                message=row.connection_message,
                code=row.connection_code,
                hint=row.connection_hint,
                checked_at=row.connection_checked_at,
            ),
            features=list(features_from_stored(row.settings)),
            uses_certificate=bool(row.client_certificate_encrypted),
        )

    @strawberry.field(
        description="The steps in Entra ID for this tenant's app: permissions, "
        "admin consent link, access policy."
    )
    async def entra_setup(self, info: Info) -> EntraSetup:
        row = await visible_tenant(info, self.id)
        return EntraSetup.of(row, str(info.context.services.settings.authority_url))

    @strawberry.field(description="This tenant's rooms, by building and name.")
    async def rooms(self, info: Info) -> list[Room]:
        async with info.context.db() as session:
            rows = await room_repo.list_rooms(session, tenant_id=self.id)
        return [Room.from_model(row) for row in rows]

    @strawberry.field(description="What displays show and how bookings behave.")
    async def settings(self, info: Info) -> TenantSettings:
        return await settings_of(info, self.id)


async def visible_tenant(info: Info, tenant_id: str) -> models.Tenant:
    viewer = await info.context.viewer()
    viewer.check_tenant(tenant_id, "Tenant", tenant_id)
    row = await info.context.loaders.tenant.load(tenant_id)
    if row is None:
        raise NotFoundError.of("Tenant", tenant_id)
    return row


@dataclass
class SettingChange:
    """One of a tenant's stored settings as it was and as it is being written."""

    session: AsyncSession
    tenant: models.Tenant
    old: dict[str, Any]
    new: dict[str, Any]


@asynccontextmanager
async def changing_setting(
    info: Info,
    tenant_id: str,
    key: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
) -> AsyncIterator[SettingChange]:
    """For an admin: ``tenant.settings[key]`` becomes ``change(old)``. The body
    runs in the same session with the new value in place; all is committed
    after it, so a refusal raised by ``change`` or the body stores nothing."""
    viewer = await info.context.viewer()
    viewer.require_admin()
    await visible_tenant(info, tenant_id)
    async with info.context.db() as session:
        tenant = await tenant_repo.get_tenant(session, tenant_id=tenant_id)
        assert tenant is not None
        old = dict((tenant.settings or {}).get(key) or {})
        new = change(old)
        tenant.settings = {**(tenant.settings or {}), key: new}
        yield SettingChange(session, tenant, old, new)
        await session.commit()


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(
            f"{name!r} is not an IANA time zone (e.g. Europe/Copenhagen)",
            field="timeZone",
        ) from None
    return name


@strawberry.type
class TenantQueries:
    @strawberry.field(description="Tenants you can see, by name.")
    async def tenants(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_PAGE,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The endCursor of the page before; omit for the first page."
            ),
        ] = None,
    ) -> Connection[Tenant] | None:
        viewer = await info.context.viewer()
        scope = None if viewer.is_superadmin else viewer.tenant_id
        async with info.context.db() as session:
            page = await tenant_repo.page_tenants(
                session, tenant_id=scope, first=first, after=after
            )
        return to_connection(page, [Tenant.from_model(row) for row in page.items])

    @strawberry.field(description="One tenant by id.")
    async def tenant(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The tenant's id.")
        ],
    ) -> Tenant | None:
        return Tenant.from_model(await visible_tenant(info, id))


@strawberry.input(description="A new tenant.")
class CreateTenantInput:
    name: str = strawberry.field(
        description="The organisation's name, 1 to 200 characters."
    )
    time_zone: str = strawberry.field(
        default="UTC", description="IANA time zone, e.g. Europe/Copenhagen."
    )
    features: list[TenantFeature] | None = strawberry.field(
        default=None,
        description="What it uses Transom for; omitted: rooms and door displays.",
    )


@strawberry.type(description="What createTenant answers.")
class CreateTenantPayload(Payload):
    tenant: Tenant | None = strawberry.field(
        default=None, description="The new tenant; null when refused."
    )


@strawberry.type
class TenantMutations:
    @strawberry.mutation(description="Create a tenant (superadmin only).")
    async def create_tenant(
        self,
        info: Info,
        input: Annotated[
            CreateTenantInput, strawberry.argument(description="The new tenant.")
        ],
    ) -> CreateTenantPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_superadmin()
            name = input.name.strip()
            if not name:
                raise InvalidInputError("a tenant needs a name", field="name")
            time_zone = check_time_zone(input.time_zone)
            features = features_to_stored(
                DEFAULT_FEATURES if input.features is None else input.features
            )
            async with info.context.db() as session:
                row = await tenant_repo.create_tenant(
                    session, name=name, time_zone=time_zone
                )
                row.settings = {**(row.settings or {}), "features": features}
                await session.commit()
            return CreateTenantPayload(tenant=Tenant.from_model(row))
        return errors.payload(CreateTenantPayload)
