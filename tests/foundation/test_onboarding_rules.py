"""The least-privilege permission list of a tenant's features, and which
features work given what a permission test found (pure rules)."""

from __future__ import annotations

from transom.domain.onboarding import (
    PermissionCheck,
    PermissionStatus,
    TenantFeature,
    admin_consent_url,
    required_permissions,
    working_features,
)

GRANTED, MISSING = PermissionStatus.GRANTED, PermissionStatus.MISSING


def names(*features: TenantFeature) -> list[str]:
    return [p.permission for p in required_permissions(features)]


def test_availability_alone_asks_only_to_read_calendars() -> None:
    assert names(TenantFeature.AVAILABILITY) == [
        "Organization.Read.All",
        "User.Read.All",
        "Calendars.Read",
    ]


def test_a_read_write_permission_covers_its_read_one() -> None:
    assert names(TenantFeature.AVAILABILITY, TenantFeature.ABSENCES) == [
        "Organization.Read.All",
        "User.Read.All",
        "Calendars.ReadWrite",
        "MailboxSettings.ReadWrite",
    ]


def test_a_feature_works_with_the_narrow_permission_when_the_broad_is_missing() -> None:
    checks = [
        PermissionCheck("Organization.Read.All", (), GRANTED, ""),
        PermissionCheck("Place.Read.All", (TenantFeature.ROOMS,), GRANTED, ""),
        PermissionCheck("User.Read.All", (TenantFeature.ROOMS,), GRANTED, ""),
        PermissionCheck("Calendars.ReadWrite", (TenantFeature.ROOMS,), GRANTED, ""),
        PermissionCheck("MailboxSettings.ReadWrite", (), MISSING, ""),
        PermissionCheck("MailboxSettings.Read", (TenantFeature.ROOMS,), GRANTED, ""),
    ]

    found = working_features([TenantFeature.ROOMS, TenantFeature.ABSENCES], checks)

    assert found == {
        TenantFeature.ROOMS: (),
        TenantFeature.ABSENCES: ("MailboxSettings.ReadWrite",),
    }


def test_without_the_connection_permission_no_feature_works() -> None:
    checks = [PermissionCheck("Organization.Read.All", (), MISSING, "")]

    found = working_features([TenantFeature.AVAILABILITY], checks)

    assert "Organization.Read.All" in found[TenantFeature.AVAILABILITY]


def test_the_admin_consent_link_names_the_directory_and_the_app() -> None:
    url = admin_consent_url("https://login.microsoftonline.com/", "contoso.com", "abc")

    assert (
        url
        == "https://login.microsoftonline.com/contoso.com/adminconsent?client_id=abc"
    )
