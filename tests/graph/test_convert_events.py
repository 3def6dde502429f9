"""Graph event JSON ⇄ domain values, on recorded shapes."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.graph.fixtures import load
from transom.domain.calendar import (
    AttendeeType,
    EmailAddress,
    EventChanges,
    EventDraft,
    EventType,
    ResponseKind,
    Sensitivity,
    ShowAs,
)
from transom.graph._json import model_to_json
from transom.graph.convert_events import (
    from_graph_event,
    is_removed,
    to_graph_event_model,
    to_graph_event_patch_model,
)

ROOM = EmailAddress("room1@contoso.com", "Room 1")
START = datetime(2026, 11, 23, 9, tzinfo=UTC)
END = datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_event_in_a_windows_zone_is_read_as_utc():
    # given
    data = load("event_pacific.json")

    # when
    event = from_graph_event(data)

    # then
    assert event.start == datetime(2017, 4, 15, 18, tzinfo=UTC)
    assert event.end == datetime(2017, 4, 15, 19, tzinfo=UTC)
    assert event.created == datetime(2017, 4, 15, 3, 0, 50, 757958, tzinfo=UTC)
    assert event.subject == "Let's go for lunch"
    assert event.type is EventType.SINGLE_INSTANCE
    assert event.show_as is ShowAs.BUSY
    assert event.response is ResponseKind.ORGANIZER
    assert event.change_key == "ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ=="
    assert event.transaction_id is None


def test_addresses_are_lower_cased_and_rooms_found_in_attendees_and_location():
    # when
    event = from_graph_event(load("event_pacific.json"))

    # then
    assert event.organizer == EmailAddress("danas@contoso.com", "Dana Swope")
    assert event.attendees[0].email.address == "samanthab@contoso.com"
    assert event.attendees[1].type is AttendeeType.RESOURCE
    assert event.attendees[1].response is ResponseKind.ACCEPTED
    assert event.location_emails == ("cf3@contoso.com",)
    assert event.room_emails == ("cf3@contoso.com",)
    assert event.attendee("CF3@contoso.com") == event.attendees[1]


def test_delta_page_holds_occurrences_all_day_events_and_removals():
    # given
    values = load("delta_page.json")["value"]

    # when
    occurrence, all_day = (from_graph_event(v) for v in values if not is_removed(v))
    removed = [v["id"] for v in values if is_removed(v)]

    # then
    assert occurrence.type is EventType.OCCURRENCE
    assert occurrence.series_master_id == "AAMkADMaster="
    assert occurrence.start == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert occurrence.original_start == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert occurrence.is_private
    assert occurrence.sensitivity is Sensitivity.PRIVATE
    assert occurrence.show_as is ShowAs.TENTATIVE
    assert occurrence.response is ResponseKind.TENTATIVELY_ACCEPTED
    assert occurrence.room_emails == ("room1@contoso.com",)
    assert all_day.is_all_day
    assert (all_day.start.date().isoformat(), all_day.end.date().isoformat()) == (
        "2026-12-24",
        "2026-12-26",
    )
    assert all_day.show_as is ShowAs.OOF
    assert removed == ["AAMkADGone="]


def test_unknown_enum_values_fall_back_instead_of_failing():
    # given
    data = load("event_pacific.json") | {"showAs": "somethingNew", "type": "future"}

    # when
    event = from_graph_event(data)

    # then
    assert event.show_as is ShowAs.BUSY
    assert event.type is EventType.SINGLE_INSTANCE


def test_booking_draft_invites_the_room_as_resource_and_location():
    # given
    draft = EventDraft("Plan", START, END, room=ROOM, attendees=(EmailAddress("a@x"),))

    # when
    body = model_to_json(
        to_graph_event_model(draft, mailbox="adele@contoso.com", transaction_id="t-1")
    )

    # then
    assert body["start"] == {"dateTime": "2026-11-23T09:00:00", "timeZone": "UTC"}
    assert body["transactionId"] == "t-1"
    assert [(a["type"], a["emailAddress"]["address"]) for a in body["attendees"]] == [
        ("required", "a@x"),
        ("resource", "room1@contoso.com"),
    ]
    assert body["location"]["locationEmailAddress"] == "room1@contoso.com"
    assert body["showAs"] == "busy"
    assert body["isReminderOn"] is False


def test_draft_written_into_the_room_calendar_does_not_invite_the_room_itself():
    # given
    draft = EventDraft("Walk-in", START, END, room=ROOM)

    # when
    body = model_to_json(
        to_graph_event_model(draft, mailbox="Room1@contoso.com", transaction_id="t-2")
    )

    # then
    assert body.get("attendees", []) == []
    assert body["location"]["displayName"] == "Room 1"


def test_all_day_absence_draft_is_sent_at_midnight_in_its_zone():
    # given
    draft = EventDraft(
        "Out of office",
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2026, 12, 3, tzinfo=UTC),
        is_all_day=True,
        time_zone="Europe/Berlin",
        show_as=ShowAs.OOF,
        sensitivity=Sensitivity.PRIVATE,
    )

    # when
    body = model_to_json(to_graph_event_model(draft, mailbox="p@x", transaction_id="a"))

    # then
    assert body["start"] == {
        "dateTime": "2026-12-01T00:00:00",
        "timeZone": "Europe/Berlin",
    }
    assert body["end"] == {
        "dateTime": "2026-12-03T00:00:00",
        "timeZone": "Europe/Berlin",
    }
    assert (body["isAllDay"], body["showAs"], body["sensitivity"]) == (
        True,
        "oof",
        "private",
    )


def test_patch_holds_only_the_changed_properties():
    # given
    changes = EventChanges(subject="Moved", start=START, end=END)

    # when
    body = model_to_json(to_graph_event_patch_model(changes, mailbox="p@x"))

    # then
    assert set(body) - {"@odata.type"} == {"subject", "start", "end"}
