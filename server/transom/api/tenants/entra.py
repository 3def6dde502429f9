"""What a tenant's Entra ID app registration needs: the permissions of its
features, the admin consent link and the access policy PowerShell."""

from __future__ import annotations

import strawberry

from transom.api.enums import TenantFeature
from transom.db import models
from transom.domain import onboarding

POLICY_GROUP = "transom-mailboxes@<your domain>"


@strawberry.type(description="One Microsoft Graph application permission to add.")
class RequiredGraphPermission:
    permission: str = strawberry.field(
        description="Its name in Entra ID, e.g. Calendars.ReadWrite."
    )
    features: list[TenantFeature] = strawberry.field(
        description="The chosen features that need it (empty: the connection itself)."
    )
    reasons: list[str] = strawberry.field(description="What Transom does with it.")


@strawberry.type(description="The steps in Microsoft Entra ID for a tenant's app.")
class EntraSetup:
    required_permissions: list[RequiredGraphPermission] = strawberry.field(
        description="Least-privilege Graph application permissions for the "
        "tenant's features (a broader one covers a narrower one)."
    )
    admin_consent_url: str | None = strawberry.field(
        description="Entra's admin consent page for the app; null until the "
        "directory id and client id are saved."
    )
    access_policy_power_shell: str = strawberry.field(
        description="Exchange Online PowerShell limiting the app to a group of "
        "mailboxes (the client id filled in once saved)."
    )

    @classmethod
    def of(cls, row: models.Tenant, authority: str) -> EntraSetup:
        features = onboarding.features_from_stored(row.settings)
        consent = (
            onboarding.admin_consent_url(authority, row.directory_id, row.client_id)
            if row.directory_id and row.client_id
            else None
        )
        return cls(
            required_permissions=[
                RequiredGraphPermission(
                    permission=p.permission,
                    features=list(p.features),
                    reasons=list(p.reasons),
                )
                for p in onboarding.required_permissions(features)
            ],
            admin_consent_url=consent,
            access_policy_power_shell=onboarding.access_policy_powershell(
                row.client_id or "<client id>", POLICY_GROUP
            ),
        )
