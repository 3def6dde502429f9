"""Importing a tenant's people and connecting their calendars in one step."""

from __future__ import annotations

from typing import Annotated

import strawberry

from transom.api.context import Info, SyncCommands
from transom.api.payloads import Payload, UserErrors
from transom.db import models
from transom.domain.errors import InvalidInputError, NotFoundError
from transom.sync.people_sync import CalendarConnection, calendar_progress


@strawberry.type(description="What a directory import did.")
class PeopleImportResult:
    created: int = strawberry.field(description="People added.")
    updated: int = strawberry.field(description="People whose directory data changed.")
    missing: int = strawberry.field(
        description="People no longer in the directory (kept, marked NO_MAILBOX)."
    )
    total: int = strawberry.field(
        description="People found in the directory by this import."
    )


@strawberry.type(description="How many people's calendars stand where.")
class PeopleCalendarProgress:
    total: int = strawberry.field(description="People in the directory.")
    not_connected: int = strawberry.field(description="Not connected yet.")
    syncing: int = strawberry.field(description="Connected; first read running.")
    synced: int = strawberry.field(description="Calendar followed.")
    no_mailbox: int = strawberry.field(description="Without an Exchange mailbox.")
    access_denied: int = strawberry.field(
        description="Outside the app's access policy."
    )
    error: int = strawberry.field(
        description="Failed to read (see each person's calendarError)."
    )

    @classmethod
    def of(cls, found: CalendarConnection) -> PeopleCalendarProgress:
        c = found.counts
        return cls(
            total=found.total,
            not_connected=c.get("NOT_CONNECTED", 0),
            syncing=c.get("SYNCING", 0),
            synced=c.get("SYNCED", 0),
            no_mailbox=c.get("NO_MAILBOX", 0),
            access_denied=c.get("ACCESS_DENIED", 0),
            error=c.get("ERROR", 0),
        )


@strawberry.type(description="What connectPeopleCalendars answers.")
class ConnectPeopleCalendarsPayload(Payload):
    imported: PeopleImportResult | None = strawberry.field(
        default=None, description="What importing the directory did; null when refused."
    )
    progress: PeopleCalendarProgress | None = strawberry.field(
        default=None,
        description="Where everyone's calendar stands; null when refused.",
    )


@strawberry.type(description="What disconnectPeopleCalendars answers.")
class DisconnectPeopleCalendarsPayload(Payload):
    disconnected: int | None = strawberry.field(
        default=None,
        description="People whose calendar Transom stopped following; null when "
        "refused.",
    )
    progress: PeopleCalendarProgress | None = strawberry.field(
        default=None,
        description="Where everyone's calendar stands now; null when refused.",
    )


@strawberry.type(description="What syncPeople answers.")
class SyncPeoplePayload(Payload):
    imported: PeopleImportResult | None = strawberry.field(
        default=None, description="What the import did; null when refused."
    )


async def _admin_tenant(info: Info, tenant_id: str) -> models.Tenant:
    viewer = await info.context.viewer()
    viewer.require_admin()
    viewer.check_tenant(tenant_id, "Tenant", tenant_id)
    async with info.context.db() as session:
        tenant = await session.get(models.Tenant, tenant_id)
    if tenant is None:
        raise NotFoundError.of("Tenant", tenant_id)
    return tenant


async def _tenant(info: Info, tenant_id: str) -> models.Tenant:
    tenant = await _admin_tenant(info, tenant_id)
    if not tenant.client_id:
        raise InvalidInputError(
            "the tenant is not connected to Microsoft 365: connectTenant first",
            field="tenantId",
        )
    return tenant


def _commands(info: Info) -> SyncCommands:
    commands = info.context.services.sync
    if commands is None:
        raise RuntimeError("this process has no sync service")
    return commands


@strawberry.type
class PeopleDirectoryMutations:
    @strawberry.mutation(
        description="Import the directory now (it is refreshed daily anyway): "
        "primary addresses and aliases from proxyAddresses."
    )
    async def sync_people(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The tenant whose directory to import."),
        ],
    ) -> SyncPeoplePayload | None:
        with UserErrors(info) as errors:
            tenant = await _tenant(info, tenant_id)
            found = await _commands(info).refresh_directory(tenant)
            return SyncPeoplePayload(imported=PeopleImportResult(**vars(found)))
        return errors.payload(SyncPeoplePayload)

    @strawberry.mutation(
        description="Connect everyone's calendar in one step: import the directory, "
        "check each mailbox, and report a status per person (see people). "
        "Calendars that can be read are then followed (SYNCING until the first "
        "sync is done, then SYNCED; see peopleCalendarProgress)."
    )
    async def connect_people_calendars(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The tenant whose people to connect."),
        ],
    ) -> ConnectPeopleCalendarsPayload | None:
        with UserErrors(info) as errors:
            tenant = await _tenant(info, tenant_id)
            imported, progress = await _commands(info).connect_calendars(tenant)
            return ConnectPeopleCalendarsPayload(
                imported=PeopleImportResult(**vars(imported)),
                progress=PeopleCalendarProgress.of(progress),
            )
        return errors.payload(ConnectPeopleCalendarsPayload)

    @strawberry.mutation(
        description="Stop following every person's calendar: their calendar "
        "loops and Graph subscriptions end, and what Transom kept of their "
        "calendars (busy slots, sync state) is deleted; their availability then "
        "comes from absences only. Nothing is deleted in Exchange; people, their "
        "switches and absences stay. connectPeopleCalendars follows them again."
    )
    async def disconnect_people_calendars(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The tenant whose calendars to let go."),
        ],
    ) -> DisconnectPeopleCalendarsPayload | None:
        with UserErrors(info) as errors:
            tenant = await _admin_tenant(info, tenant_id)
            count = await _commands(info).disconnect_calendars(tenant.id)
            found = await calendar_progress(
                info.context.services.sessions, tenant_id=tenant.id
            )
            return DisconnectPeopleCalendarsPayload(
                disconnected=count, progress=PeopleCalendarProgress.of(found)
            )
        return errors.payload(DisconnectPeopleCalendarsPayload)


@strawberry.type
class PeopleDirectoryQueries:
    @strawberry.field(description="How far connecting the tenant's calendars got.")
    async def people_calendar_progress(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The tenant (yours, unless you are a superadmin)."
            ),
        ],
    ) -> PeopleCalendarProgress | None:
        viewer = await info.context.viewer()
        viewer.check_tenant(tenant_id, "Tenant", tenant_id)
        found = await calendar_progress(
            info.context.services.sessions, tenant_id=tenant_id
        )
        return PeopleCalendarProgress.of(found)
