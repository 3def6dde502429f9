"""Onboarding a tenant: its features, a permission-by-permission test, a new
secret or a certificate, and disconnecting it.

The Graph work is the sync engine's (``SyncCommands``); this module checks who
asks and turns the answers into GraphQL values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from transom.api.context import Info
from transom.api.enums import PermissionStatus, TenantFeature
from transom.api.payloads import Payload, UserErrors
from transom.api.tenants.connection import (
    ConnectionTest,
    admin_tenant,
    connection_test,
    sync_commands,
)
from transom.api.tenants.types import Tenant, visible_tenant
from transom.db import tenants as tenant_repo
from transom.domain import onboarding
from transom.domain.errors import NotFoundError
from transom.pubsub import tenant_channel


@strawberry.type(
    description="What testing one Graph permission with a real call found."
)
class PermissionCheck:
    permission: str = strawberry.field(
        description="The application permission, e.g. Place.Read.All."
    )
    features: list[TenantFeature] = strawberry.field(
        description="The tenant's features that need it (empty: the connection)."
    )
    status: PermissionStatus = strawberry.field(description="What the call found.")
    granted: bool | None = strawberry.field(
        description="Granted (true), missing (false), or null when not tested."
    )
    message: str = strawberry.field(description="What was tried and what happened.")
    hint: str | None = strawberry.field(description="How to fix it; null when granted.")
    code: str | None = strawberry.field(description="Graph's or Entra's error code.")

    @classmethod
    def of(cls, check: onboarding.PermissionCheck) -> PermissionCheck:
        granted = {
            PermissionStatus.GRANTED: True,
            PermissionStatus.MISSING: False,
            PermissionStatus.SHUT_OUT: True,
        }.get(PermissionStatus(check.status.value))
        return cls(
            permission=check.permission,
            features=list(check.features),
            status=PermissionStatus(check.status.value),
            granted=granted,
            message=check.message,
            hint=check.hint,
            code=check.code,
        )


@strawberry.type(description="Whether one of the tenant's features works.")
class FeatureCheck:
    feature: TenantFeature = strawberry.field(description="The feature.")
    works: bool = strawberry.field(description="Every permission it needs was granted.")
    lacking_permissions: list[str] = strawberry.field(
        description="The permissions it needs that are missing or untested."
    )


@strawberry.type(description="What testTenantPermissions answers.")
class TestTenantPermissionsPayload(Payload):
    permissions: list[PermissionCheck] | None = strawberry.field(
        default=None,
        description="One row per least-privilege permission of the tenant's "
        "features, connection first; null when refused.",
    )
    features: list[FeatureCheck] | None = strawberry.field(
        default=None,
        description="Each chosen feature: works or not; null when refused.",
    )


@strawberry.type(
    description="What renewTenantSecret and uploadTenantCertificate answer."
)
class TenantCredentialPayload(Payload):
    connection_test: ConnectionTest | None = strawberry.field(
        default=None, description="Testing the new credential; null when refused."
    )


@strawberry.type(
    description="What Transom held for a disconnected tenant, now deleted."
)
class DeletedTenantData:
    rooms: int = strawberry.field(description="Rooms, with their mailbox links.")
    bookings: int = strawberry.field(description="Bookings (not the Exchange events).")
    people: int = strawberry.field(description="People of the directory import.")
    absences: int = strawberry.field(description="Absences registered in Transom.")
    displays: int = strawberry.field(description="Door displays and their tokens.")


@strawberry.type(description="What disconnectTenant answers.")
class DisconnectTenantPayload(Payload):
    disconnected_tenant_id: strawberry.ID | None = strawberry.field(
        default=None, description="The tenant that is gone; null when refused."
    )
    deleted: DeletedTenantData | None = strawberry.field(
        default=None, description="What was deleted in Transom; null when refused."
    )
    subscriptions_deleted: int | None = strawberry.field(
        default=None, description="Graph change-notification subscriptions deleted."
    )
    subscriptions_left: int | None = strawberry.field(
        default=None,
        description="Subscriptions Graph could not delete now (they expire by "
        "themselves within days; their notifications are ignored).",
    )


@strawberry.type(description="What setTenantFeatures answers.")
class SetTenantFeaturesPayload(Payload):
    tenant: Tenant | None = strawberry.field(
        default=None, description="The tenant with its features; null when refused."
    )


TenantIdArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The tenant.")
]


@strawberry.type
class TenantOnboardingMutations:
    @strawberry.mutation(
        description="Choose what the tenant uses Transom for (its admins); the "
        "Graph permissions its app needs follow (Tenant.entraSetup)."
    )
    async def set_tenant_features(
        self,
        info: Info,
        tenant_id: TenantIdArgument,
        features: Annotated[
            list[TenantFeature],
            strawberry.argument(description="At least one feature."),
        ],
    ) -> SetTenantFeaturesPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, tenant_id)
            stored = onboarding.features_to_stored(features)
            async with info.context.db() as session:
                row = await tenant_repo.get_tenant(session, tenant_id=tenant_id)
                if row is None:
                    raise NotFoundError.of("Tenant", tenant_id)
                row.settings = {**(row.settings or {}), "features": stored}
                await session.commit()
            info.context.loaders.tenant.clear(tenant_id)
            await info.context.services.bus.publish(
                tenant_channel(tenant_id), {"type": "tenant", "tenantId": tenant_id}
            )
            return SetTenantFeaturesPayload(tenant=Tenant.from_model(row))
        return errors.payload(SetTenantFeaturesPayload)

    @strawberry.mutation(
        description="Try each Graph permission the tenant's features need with "
        "one real call (a fresh token): which are granted, which features work, "
        "and for a missing one its name and how to fix it. Changes nothing."
    )
    async def test_tenant_permissions(
        self, info: Info, tenant_id: TenantIdArgument
    ) -> TestTenantPermissionsPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, tenant_id)
            features, checks = await sync_commands(info).test_permissions(tenant_id)
            lacking = onboarding.working_features(features, checks)
            return TestTenantPermissionsPayload(
                permissions=[PermissionCheck.of(c) for c in checks],
                features=[
                    FeatureCheck(
                        feature=TenantFeature(f.value),
                        works=not missing,
                        lacking_permissions=list(missing),
                    )
                    for f, missing in lacking.items()
                ],
            )
        return errors.payload(TestTenantPermissionsPayload)

    @strawberry.mutation(
        description="Save a new client secret for the tenant's app (same "
        "directory and client id) and test it; syncing resumes once it works."
    )
    async def renew_tenant_secret(
        self,
        info: Info,
        tenant_id: TenantIdArgument,
        client_secret: Annotated[
            str,
            strawberry.argument(
                description="The new secret's Value (not its Secret ID); stored "
                "encrypted, never returned."
            ),
        ],
        secret_expires_at: Annotated[
            datetime | None,
            strawberry.argument(description="When it expires (warned 30 days ahead)."),
        ] = None,
    ) -> TenantCredentialPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, tenant_id)
            report = await sync_commands(info).renew_secret(
                tenant_id, client_secret, secret_expires_at
            )
            return TenantCredentialPayload(
                connection_test=await connection_test(info, tenant_id, report)
            )
        return errors.payload(TenantCredentialPayload)

    @strawberry.mutation(
        description="Authenticate the tenant's app with a certificate instead of "
        "a secret (the certificate's public part uploaded to the app in Entra ID), "
        "and test it."
    )
    async def upload_tenant_certificate(
        self,
        info: Info,
        tenant_id: TenantIdArgument,
        certificate_pem: Annotated[
            str,
            strawberry.argument(
                description="PEM with the private key (unencrypted) and the "
                "certificate; stored encrypted, never returned."
            ),
        ],
    ) -> TenantCredentialPayload | None:
        with UserErrors(info) as errors:
            await admin_tenant(info, tenant_id)
            report = await sync_commands(info).upload_certificate(
                tenant_id, certificate_pem
            )
            return TenantCredentialPayload(
                connection_test=await connection_test(info, tenant_id, report)
            )
        return errors.payload(TenantCredentialPayload)

    @strawberry.mutation(
        description="Disconnect a tenant (superadmin): stop its sync, delete its "
        "Graph subscriptions and delete its data in Transom (rooms' links, "
        "bookings, people, absences, displays' tokens, the tenant). Nothing is "
        "deleted in Exchange. Without confirm, answers what would happen."
    )
    async def disconnect_tenant(
        self,
        info: Info,
        tenant_id: TenantIdArgument,
        confirm: Annotated[
            bool,
            strawberry.argument(
                description="True to go ahead; false answers what would be deleted."
            ),
        ] = False,
    ) -> DisconnectTenantPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_superadmin()
            await visible_tenant(info, tenant_id)
            done = await sync_commands(info).disconnect_tenant(
                tenant_id, confirm=confirm
            )
            info.context.loaders.tenant.clear(tenant_id)
            data = done.data
            return DisconnectTenantPayload(
                disconnected_tenant_id=strawberry.ID(tenant_id),
                deleted=DeletedTenantData(
                    rooms=data.rooms,
                    bookings=data.bookings,
                    people=data.people,
                    absences=data.absences,
                    displays=data.displays,
                ),
                subscriptions_deleted=done.subscriptions_deleted,
                subscriptions_left=done.subscriptions_left,
            )
        return errors.payload(DisconnectTenantPayload)
