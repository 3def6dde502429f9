"""Directory, mailbox-settings, schedule and subscription JSON → domain values."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.graph.fixtures import load
from transom.domain.calendar import (
    AutomaticReplies,
    AutoReplyStatus,
    ExternalAudience,
    ShowAs,
)
from transom.domain.directory import MailboxPurpose
from transom.graph._json import model_to_json
from transom.graph.convert_directory import (
    from_graph_mailbox,
    from_graph_organization,
    from_graph_room,
    from_graph_user,
    split_proxy_addresses,
)
from transom.graph.convert_mailbox import (
    from_graph_automatic_replies,
    from_graph_schedule,
    from_graph_subscription,
    to_graph_automatic_replies_model,
)


def test_room_place_keeps_capacity_building_and_floor():
    # when
    room = from_graph_room(load("room.json"))

    # then
    assert (room.email, room.display_name, room.capacity) == (
        "cf1@contoso.com",
        "Conf Room 1",
        50,
    )
    assert (room.building, room.floor_number, room.floor_label) == ("1", 1, "1P")
    assert room.tags == ("bean bags",)


def test_user_primary_address_comes_from_upper_case_smtp():
    # given
    adele, alex = load("users_page.json")["value"]

    # when
    user, no_mailbox = from_graph_user(adele), from_graph_user(alex)

    # then
    assert user.primary_email == "adelev@contoso.com"
    assert user.aliases == ("adele@sales.contoso.com", "adelev@contoso.onmicrosoft.com")
    assert user.addresses[0] == "adelev@contoso.com"
    assert no_mailbox.primary_email is None
    assert not no_mailbox.account_enabled


def test_proxy_addresses_without_primary_fall_back_to_aliases_only():
    assert split_proxy_addresses(["smtp:b@x", "X500:/o=y"]) == (None, ("b@x",))


def test_organization_lists_verified_domains_and_default():
    # given
    data = {
        "id": "tid",
        "displayName": "Contoso",
        "verifiedDomains": [
            {"name": "contoso.onmicrosoft.com", "isDefault": False, "isInitial": True},
            {"name": "contoso.com", "isDefault": True, "isInitial": False},
        ],
    }

    # when
    org = from_graph_organization(data)

    # then
    assert org.verified_domains == ("contoso.onmicrosoft.com", "contoso.com")
    assert org.default_domain == "contoso.com"


def test_mailbox_purpose_comes_from_mailbox_settings():
    # when
    info = from_graph_mailbox(
        {"id": "u1", "mail": "Room1@x", "displayName": "Room 1"},
        {"userPurpose": "room", "timeZone": "W. Europe Standard Time"},
    )

    # then
    assert info.purpose is MailboxPurpose.ROOM
    assert info.is_resource
    assert info.email == "room1@x"


def test_schedule_parses_capitalised_status_and_per_mailbox_errors():
    # given
    ok, missing = load("schedule.json")["value"]

    # when
    adele, nobody = from_graph_schedule(ok), from_graph_schedule(missing)

    # then
    assert adele.items[0].status is ShowAs.BUSY
    assert adele.items[0].start == datetime(2019, 3, 15, 19, tzinfo=UTC)
    assert adele.availability_view == "000220000"
    assert nobody.error == "The user or mailbox could not be found."


def test_automatic_replies_round_trip_through_the_sdk_model():
    # given
    setting = AutomaticReplies(
        status=AutoReplyStatus.SCHEDULED,
        external_audience=ExternalAudience.CONTACTS_ONLY,
        scheduled_start=datetime(2026, 12, 1, 7, tzinfo=UTC),
        scheduled_end=datetime(2026, 12, 3, 17, tzinfo=UTC),
        internal_message="Away",
        external_message="Away (ext)",
    )

    # when
    body = model_to_json(to_graph_automatic_replies_model(setting))
    back = from_graph_automatic_replies(body["automaticRepliesSetting"])

    # then
    assert body["automaticRepliesSetting"]["status"] == "scheduled"
    assert back == setting


def test_subscription_expiration_is_aware_utc():
    # when
    sub = from_graph_subscription(
        {
            "id": "s1",
            "resource": "users/u/events",
            "expirationDateTime": "2026-11-24T10:00:00.0000000Z",
        }
    )

    # then
    assert sub.expiration == datetime(2026, 11, 24, 10, tzinfo=UTC)
