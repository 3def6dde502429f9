"""Tenant settings: what displays show, privacy, check-in, language."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from transom.api.audit.recorder import note_change
from transom.api.context import Info
from transom.api.enums import DisplayLanguage, PrivateMeetingHandling, Weekday
from transom.api.payloads import Payload, UserErrors
from transom.db import rooms as room_repo
from transom.db import tenants as tenant_repo
from transom.domain import tenant_settings as rules
from transom.domain.audit import AuditTarget
from transom.domain.errors import NotFoundError
from transom.pubsub import room_channel, tenant_channel


@strawberry.type(description="A tenant's settings for displays and bookings.")
class TenantSettings:
    tenant_id: strawberry.ID = strawberry.field(
        description="The tenant these settings belong to."
    )
    show_subject: bool = strawberry.field(description="Displays show meeting subjects.")
    show_organizer: bool = strawberry.field(
        description="Displays show who organised a meeting."
    )
    private_meeting_handling: PrivateMeetingHandling = strawberry.field(
        description="How displays show meetings marked private."
    )
    allow_resource_booking_declination: bool = strawberry.field(
        description="Let admins cancel bookings made in Outlook: the room "
        "declines its copy in Exchange and the organizer is told. Off by default."
    )
    check_in_required: bool = strawberry.field(
        description="Meetings must be checked in at the door display."
    )
    no_show_release_minutes: int = strawberry.field(
        description="With check-in required, minutes after the start (5..60) "
        "before an unchecked meeting's room is released."
    )
    display_language: DisplayLanguage = strawberry.field(
        description="The displays' language (a display may override it)."
    )
    check_in_required_since: datetime | None = strawberry.field(
        description="When check-in last became required: meetings that began "
        "before then are never released as no-shows."
    )
    working_hours_start: int = strawberry.field(
        description="Working hours start, a whole hour 0..23 in the tenant's time "
        "zone (default 8): room analytics measure utilisation against them."
    )
    working_hours_end: int = strawberry.field(
        description="Working hours end, a whole hour 1..24 after the start "
        "(default 17)."
    )
    working_days: list[Weekday] = strawberry.field(
        description="Working days (default Monday to Friday)."
    )

    @classmethod
    def of(cls, tenant_id: str, values: rules.TenantSettings) -> TenantSettings:
        return cls(
            tenant_id=strawberry.ID(tenant_id),
            show_subject=values.show_subject,
            show_organizer=values.show_organizer,
            private_meeting_handling=PrivateMeetingHandling(
                values.private_meeting_handling
            ),
            allow_resource_booking_declination=values.allow_resource_booking_declination,
            check_in_required=values.check_in_required,
            no_show_release_minutes=values.no_show_release_minutes,
            display_language=DisplayLanguage(values.display_language),
            check_in_required_since=values.check_in_required_from(),
            working_hours_start=values.working_hours_start,
            working_hours_end=values.working_hours_end,
            working_days=[Weekday(day) for day in values.working_days],
        )


@strawberry.input(description="Settings to change; omitted ones stay as they are.")
class TenantSettingsInput:
    show_subject: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Displays show meeting subjects."
    )
    show_organizer: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Displays show who organised a meeting."
    )
    private_meeting_handling: PrivateMeetingHandling | None = strawberry.field(
        default=strawberry.UNSET,
        description="How displays show meetings marked private.",
    )
    allow_resource_booking_declination: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Let admins cancel bookings made in Outlook.",
    )
    check_in_required: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Meetings must be checked in at the door display; switching it on spares meetings already begun.",
    )
    no_show_release_minutes: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Minutes after the start, 5 to 60, before an unchecked meeting's room is released.",
    )
    display_language: DisplayLanguage | None = strawberry.field(
        default=strawberry.UNSET, description="The displays' language."
    )
    working_hours_start: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Working hours start, a whole hour 0..23.",
    )
    working_hours_end: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Working hours end, a whole hour 1..24 after the start.",
    )
    working_days: list[Weekday] | None = strawberry.field(
        default=strawberry.UNSET, description="Working days, at least one."
    )


async def settings_of(info: Info, tenant_id: str) -> TenantSettings:
    row = await info.context.loaders.tenant.load(tenant_id)
    if row is None:
        raise NotFoundError.of("Tenant", tenant_id)
    return TenantSettings.of(tenant_id, rules.TenantSettings.from_stored(row.settings))


def _changes(input: TenantSettingsInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in vars(input).items():
        if value is strawberry.UNSET or value is None:
            continue
        if isinstance(value, list):
            value = [day.value for day in value]
        changes[name] = value.value if isinstance(value, Enum) else value
    return changes


@strawberry.type(description="What updateTenantSettings answers.")
class UpdateTenantSettingsPayload(Payload):
    settings: TenantSettings | None = strawberry.field(
        default=None, description="The settings as saved; null when refused."
    )


@strawberry.type
class TenantSettingsMutations:
    @strawberry.mutation(description="Change a tenant's settings (its admins).")
    async def update_tenant_settings(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The tenant.")
        ],
        input: Annotated[
            TenantSettingsInput,
            strawberry.argument(
                description="The settings to change; omitted ones stay."
            ),
        ],
    ) -> UpdateTenantSettingsPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.check_tenant(tenant_id, "Tenant", tenant_id)
            viewer.require_admin()
            async with info.context.db() as session:
                row = await tenant_repo.get_tenant(session, tenant_id=tenant_id)
                if row is None:
                    raise NotFoundError.of("Tenant", tenant_id)
                current = rules.TenantSettings.from_stored(row.settings)
                updated = current.applied(_changes(input), info.context.now)
                row.settings = {**(row.settings or {}), **updated.to_stored()}
                await session.commit()
                rooms = await room_repo.room_ids(session, tenant_id=tenant_id)
            note_change(
                info,
                tenant_id=tenant_id,
                target=AuditTarget("TenantSettings", tenant_id, row.name),
                before=current.to_stored(),
                after=updated.to_stored(),
            )
            event = {"type": "tenantSettings", "tenantId": tenant_id}
            bus = info.context.services.bus
            await bus.publish(tenant_channel(tenant_id), event)
            # Door displays show bookings by the privacy settings: every room's
            # live feeds and kept days (any process) reload.
            for room_id in rooms:
                await bus.publish(room_channel(room_id), event)
            return UpdateTenantSettingsPayload(
                settings=TenantSettings.of(tenant_id, updated)
            )
        return errors.payload(UpdateTenantSettingsPayload)
