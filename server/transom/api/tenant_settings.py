"""Tenant settings: what displays show, privacy, check-in, language."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from transom.api.context import Info
from transom.api.payloads import Payload, UserErrors
from transom.db import tenants as tenant_repo
from transom.domain import tenant_settings as rules
from transom.domain.errors import NotFoundError
from transom.pubsub import tenant_channel


@strawberry.enum(description="How door displays show meetings marked private.")
class PrivateMeetingHandling(Enum):
    SHOW_AS_PRIVATE = strawberry.enum_value(
        "SHOW_AS_PRIVATE",
        description="'Private meeting', with times but no subject or organizer.",
    )
    SHOW_AS_BUSY = strawberry.enum_value(
        "SHOW_AS_BUSY", description="Only 'Busy' and the times."
    )


@strawberry.enum(description="The language of the door displays.")
class DisplayLanguage(Enum):
    EN = strawberry.enum_value("en", description="English")
    DA = strawberry.enum_value("da", description="Danish")
    DE = strawberry.enum_value("de", description="German")


@strawberry.type(description="A tenant's settings for displays and bookings.")
class TenantSettings:
    tenant_id: strawberry.ID
    show_subject: bool = strawberry.field(description="Displays show meeting subjects.")
    show_organizer: bool = strawberry.field(
        description="Displays show who organised a meeting."
    )
    private_meeting_handling: PrivateMeetingHandling
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
    display_language: DisplayLanguage
    check_in_required_since: datetime | None = strawberry.field(
        description="When check-in last became required: meetings that began "
        "before then are never released as no-shows."
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
        )


@strawberry.input(description="Settings to change; omitted ones stay as they are.")
class TenantSettingsInput:
    show_subject: bool | None = strawberry.UNSET
    show_organizer: bool | None = strawberry.UNSET
    private_meeting_handling: PrivateMeetingHandling | None = strawberry.UNSET
    allow_resource_booking_declination: bool | None = strawberry.UNSET
    check_in_required: bool | None = strawberry.UNSET
    no_show_release_minutes: int | None = strawberry.UNSET
    display_language: DisplayLanguage | None = strawberry.UNSET


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
        self, info: Info, tenant_id: strawberry.ID, input: TenantSettingsInput
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
            await info.context.services.bus.publish(
                tenant_channel(tenant_id),
                {"type": "tenantSettings", "tenantId": tenant_id},
            )
            return UpdateTenantSettingsPayload(
                settings=TenantSettings.of(tenant_id, updated)
            )
        return errors.payload(UpdateTenantSettingsPayload)
