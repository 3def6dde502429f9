"""Connecting a tenant to Microsoft 365, testing it and importing its rooms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from transom.api.context import Info, SyncCommands
from transom.api.enums import ConnectionStatus
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import Room
from transom.api.tenants.types import Tenant, visible_tenant
from transom.db import rooms as room_repo
from transom.domain.connection import ConnectionReport
from transom.domain.errors import ConflictError
from transom.domain.tenant_ids import check_client_id, check_directory_id


def sync_commands(info: Info) -> SyncCommands:
    commands = info.context.services.sync
    if commands is None:
        raise ConflictError("the sync engine is not available in this process")
    return commands


async def admin_tenant(info: Info, tenant_id: str) -> None:
    viewer = await info.context.viewer()
    viewer.require_admin()
    await visible_tenant(info, tenant_id)


@strawberry.input(description="A tenant's Entra ID app registration.")
class ConnectTenantInput:
    tenant_id: strawberry.ID = strawberry.field(description="The tenant to connect.")
    directory_id: str = strawberry.field(description="Directory (tenant) id.")
    client_id: str = strawberry.field(description="Application (client) id.")
    client_secret: str | None = strawberry.field(
        default=None,
        description="The client secret's Value (not its Secret ID); stored "
        "encrypted and never returned.",
    )
    secret_expires_at: datetime | None = strawberry.field(
        default=None, description="When the secret expires (warned 30 days ahead)."
    )
    certificate_pem: str | None = strawberry.field(
        default=None,
        description="PEM with private key and certificate, instead of a secret.",
    )


@strawberry.type(description="What a connection test found.")
class ConnectionTest:
    status: ConnectionStatus = strawberry.field(
        description="Where the connection stands now."
    )
    message: str = strawberry.field(description="What the test found, in plain words.")
    code: str | None = strawberry.field(description="Graph or AADSTS error code.")
    hint: str | None = strawberry.field(description="How to fix it.")
    organization_name: str | None = strawberry.field(
        description="The organisation's name in Entra ID; null when it could not be read."
    )
    room_count: int | None = strawberry.field(
        description="Rooms in the tenant's directory (places)."
    )
    tenant: Tenant = strawberry.field(
        description="The tenant, with its connection updated."
    )


@strawberry.type(description="What importRooms answers: what the import did.")
class ImportRoomsPayload(Payload):
    created: int | None = strawberry.field(
        default=None, description="Rooms created; null when refused."
    )
    updated: int | None = strawberry.field(
        default=None,
        description="Rooms already here whose name, capacity, building or floor "
        "changed in Microsoft 365; null when refused.",
    )
    unchanged: int | None = strawberry.field(
        default=None,
        description="Rooms already here and unchanged; null when refused.",
    )
    rooms: list[Room] | None = strawberry.field(
        default=None, description="The imported rooms, by name; null when refused."
    )


@strawberry.type(description="What connectTenant answers.")
class ConnectTenantPayload(Payload):
    connection_test: ConnectionTest | None = strawberry.field(
        default=None,
        description="What testing the saved credentials found; null when refused.",
    )


@strawberry.type(description="What testTenantConnection answers.")
class TestTenantConnectionPayload(Payload):
    connection_test: ConnectionTest | None = strawberry.field(
        default=None, description="What the test found; null when refused."
    )


async def _result(
    info: Info, tenant_id: str, report: ConnectionReport
) -> ConnectionTest:
    info.context.loaders.tenant.clear(tenant_id)
    tenant = await visible_tenant(info, tenant_id)
    return ConnectionTest(
        status=ConnectionStatus(report.status.value),
        message=report.message,
        code=report.code,
        hint=report.hint,
        organization_name=report.organization_name,
        room_count=report.room_count,
        tenant=Tenant.from_model(tenant),
    )


@strawberry.type
class TenantConnectionMutations:
    @strawberry.mutation(
        description="Save the tenant's Microsoft 365 app credentials and test them. "
        "Syncing resumes by itself once they work."
    )
    async def connect_tenant(
        self,
        info: Info,
        input: Annotated[
            ConnectTenantInput,
            strawberry.argument(
                description="The tenant's Entra app: directory (tenant) id, client id, secret and its expiry."
            ),
        ],
    ) -> ConnectTenantPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, input.tenant_id)
            directory_id = check_directory_id(input.directory_id)
            client_id = check_client_id(input.client_id)
            report = await sync_commands(info).connect_tenant(
                input.tenant_id,
                directory_id=directory_id,
                client_id=client_id,
                client_secret=input.client_secret or None,
                secret_expires_at=input.secret_expires_at,
                certificate_pem=input.certificate_pem or None,
            )
            return ConnectTenantPayload(
                connection_test=await _result(info, input.tenant_id, report)
            )
        return errors.payload(ConnectTenantPayload)

    @strawberry.mutation(
        description="Acquire a token, read the organization and list its rooms."
    )
    async def test_tenant_connection(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The tenant to test.")
        ],
    ) -> TestTenantConnectionPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, tenant_id)
            report = await sync_commands(info).test_connection(tenant_id)
            return TestTenantConnectionPayload(
                connection_test=await _result(info, tenant_id, report)
            )
        return errors.payload(TestTenantConnectionPayload)

    @strawberry.mutation(
        description="Create or update rooms from the tenant's Graph places "
        "(idempotent by mailbox)."
    )
    async def import_rooms(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The tenant whose Exchange room mailboxes to import."
            ),
        ],
    ) -> ImportRoomsPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, tenant_id)
            done = await sync_commands(info).import_rooms(tenant_id)
            async with info.context.db() as session:
                rows = await room_repo.get_rooms(session, room_ids=list(done.room_ids))
            return ImportRoomsPayload(
                created=done.created,
                updated=done.updated,
                unchanged=done.unchanged,
                rooms=[Room.from_model(r) for r in sorted(rows, key=lambda r: r.name)],
            )
        return errors.payload(ImportRoomsPayload)
