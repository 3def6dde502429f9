"""Meetings across mailboxes: attendees, room attendant, actions, getSchedule (§5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from msgraph import GraphServiceClient
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
    GetSchedulePostRequestBody,
)
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import (
    AcceptPostRequestBody,
)
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import (
    CancelPostRequestBody,
)
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import (
    DeclinePostRequestBody,
)

from tests.emulator.core_directory import (
    ADELE,
    MEGAN,
    ROOM1,
    CoreServer,
    core_server,
    eventually,
)
from tests.emulator.core_events import meeting, view_config, when
from tests.emulator.graph_clients import graph_client
from transom.emulator import TENANT_ID

__all__ = ["core_server"]
pytestmark = pytest.mark.anyio
DAY = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d")
NEXT = (datetime.now(UTC) + timedelta(days=4)).strftime("%Y-%m-%d")


def at(hour: str, day: str = DAY) -> str:
    return f"{day}T{hour}:00"


async def room_status(client: GraphServiceClient, event_id: str) -> str:
    event = await client.users.by_user_id(ADELE).events.by_event_id(event_id).get()
    return next(
        a.status.response.value
        for a in event.attendees
        if a.email_address.address == ROOM1
    )


async def answered(client: GraphServiceClient, event_id: str, expected: str) -> None:
    async def check() -> None:
        assert await room_status(client, event_id) == expected

    await eventually(check)


async def room_events(client: GraphServiceClient) -> list[Event]:
    found = await client.users.by_user_id(ROOM1).calendar_view.get(
        view_config(f"{DAY}T00:00:00Z", f"{NEXT}T23:59:00Z", top=50)
    )
    return list(found.value)


async def test_room_accepts_and_gets_a_linked_private_copy(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        body = meeting("Secret plans", at("09:00"), at("10:00"), rooms=(ROOM1,))
        body.body = None
        # when
        created = await client.users.by_user_id(ADELE).events.post(body)
        await answered(client, created.id, "accepted")
        copies = await room_events(client)
    # then
    assert len(copies) == 1
    copy = copies[0]
    assert copy.i_cal_u_id == created.i_cal_u_id
    assert copy.is_organizer is False
    assert copy.organizer.email_address.address == ADELE
    assert copy.response_status.response.value == "accepted"
    assert copy.subject == "Adele Vance"
    assert copy.body.content == ""


async def test_room_declines_a_conflicting_request(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        first = await events.post(
            meeting("First", at("09:00"), at("10:00"), rooms=(ROOM1,))
        )
        await answered(client, first.id, "accepted")
        # when
        second = await events.post(
            meeting("Second", at("09:30"), at("10:30"), rooms=(ROOM1,))
        )
        await answered(client, second.id, "declined")
        booked = await room_events(client)
    # then
    assert [e.i_cal_u_id for e in booked] == [first.i_cal_u_id]


async def test_room_allowing_conflicts_double_books(core_server: CoreServer) -> None:
    core_server.emulator.set_calendar_processing(TENANT_ID, ROOM1, allow_conflicts=True)
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        first = await events.post(
            meeting("First", at("09:00"), at("10:00"), rooms=(ROOM1,))
        )
        second = await events.post(
            meeting("Second", at("09:30"), at("10:30"), rooms=(ROOM1,))
        )
        # when
        await answered(client, first.id, "accepted")
        await answered(client, second.id, "accepted")
        booked = await room_events(client)
    # then
    assert len(booked) == 2


async def test_room_declines_beyond_window_or_maximum_duration(
    core_server: CoreServer,
) -> None:
    core_server.emulator.set_calendar_processing(
        TENANT_ID, ROOM1, booking_window_in_days=1, maximum_duration_in_minutes=60
    )
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        # when
        too_far = await events.post(
            meeting("Far", at("09:00"), at("09:30"), rooms=(ROOM1,))
        )
        soon = (datetime.now(UTC) + timedelta(hours=2)).replace(
            minute=0, second=0, microsecond=0
        )
        too_long = await events.post(
            meeting(
                "Long",
                soon.strftime("%Y-%m-%dT%H:%M:%S"),
                (soon + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M:%S"),
                rooms=(ROOM1,),
            )
        )
        # then
        await answered(client, too_far.id, "declined")
        await answered(client, too_long.id, "declined")


async def test_room_keeps_subject_and_body_when_configured(
    core_server: CoreServer,
) -> None:
    core_server.emulator.set_calendar_processing(
        TENANT_ID,
        ROOM1,
        add_organizer_to_subject=False,
        delete_subject=False,
        delete_comments=False,
    )
    async with graph_client(core_server.url) as client:
        body = meeting("Visible", at("09:00"), at("10:00"), rooms=(ROOM1,))
        from msgraph.generated.models.body_type import BodyType
        from msgraph.generated.models.item_body import ItemBody

        body.body = ItemBody(content_type=BodyType.Text, content="Agenda")
        created = await client.users.by_user_id(ADELE).events.post(body)
        # when
        await answered(client, created.id, "accepted")
        copies = await room_events(client)
    # then
    assert copies[0].subject == "Visible"
    assert copies[0].body.content == "Agenda"


async def test_unattended_room_never_answers(core_server: CoreServer) -> None:
    core_server.emulator.set_calendar_processing(
        TENANT_ID, ROOM1, automate_processing="None"
    )
    async with graph_client(core_server.url) as client:
        created = await client.users.by_user_id(ADELE).events.post(
            meeting("x", at("09:00"), at("10:00"), rooms=(ROOM1,))
        )
        # when
        core_server.emulator.drain()
        status = await room_status(client, created.id)
        booked = await room_events(client)
    # then
    assert status == "none"
    assert booked == []


async def test_moving_a_meeting_moves_or_drops_the_room_copy(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        blocker = await events.post(
            meeting("Blocker", at("14:00"), at("15:00"), rooms=(ROOM1,))
        )
        mover = await events.post(
            meeting("Mover", at("09:00"), at("10:00"), rooms=(ROOM1,))
        )
        await answered(client, blocker.id, "accepted")
        await answered(client, mover.id, "accepted")
        # when
        await events.by_event_id(mover.id).patch(
            Event(start=when(at("11:00")), end=when(at("12:00")))
        )
        await answered(client, mover.id, "accepted")
        moved = {
            e.i_cal_u_id: e.start.date_time[11:16] for e in await room_events(client)
        }
        await events.by_event_id(mover.id).patch(
            Event(start=when(at("14:30")), end=when(at("15:30")))
        )
        await answered(client, mover.id, "declined")
        after_conflict = [e.i_cal_u_id for e in await room_events(client)]
    # then
    assert moved[mover.i_cal_u_id] == "11:00"
    assert after_conflict == [blocker.i_cal_u_id]


async def test_uninviting_the_room_removes_its_copy(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        created = await events.post(
            meeting("x", at("09:00"), at("10:00"), people=(MEGAN,), rooms=(ROOM1,))
        )
        await answered(client, created.id, "accepted")
        # when
        await events.by_event_id(created.id).patch(
            Event(attendees=[Attendee(email_address=EmailAddress(address=MEGAN))])
        )
        booked = await room_events(client)
    # then
    assert booked == []


async def test_direct_booking_in_a_room_calendar_skips_the_attendant(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        room = client.users.by_user_id(ROOM1).events
        # when
        first = await room.post(meeting("Direct 1", at("09:00"), at("10:00")))
        second = await room.post(meeting("Direct 2", at("09:30"), at("10:30")))
        booked = await room_events(client)
    # then
    assert first.is_organizer is True
    assert second.subject == "Direct 2"
    assert len(booked) == 2


async def test_attendee_accepts_and_the_organizer_sees_it(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        created = await client.users.by_user_id(ADELE).events.post(
            meeting("1:1", at("09:00"), at("09:30"), people=(MEGAN,))
        )
        megan = client.users.by_user_id(MEGAN)
        invitation = (
            await megan.calendar_view.get(
                view_config(f"{DAY}T00:00:00Z", f"{DAY}T23:59:00Z")
            )
        ).value[0]
        # when
        await megan.events.by_event_id(invitation.id).accept.post(
            AcceptPostRequestBody(send_response=True)
        )
        organizer = (
            await client.users.by_user_id(ADELE).events.by_event_id(created.id).get()
        )
        with pytest.raises(ODataError) as own:
            await (
                client.users.by_user_id(ADELE)
                .events.by_event_id(created.id)
                .accept.post(AcceptPostRequestBody())
            )
    # then
    assert invitation.i_cal_u_id == created.i_cal_u_id
    assert invitation.response_status.response.value == "notResponded"
    assert organizer.attendees[0].status.response.value == "accepted"
    assert own.value.response_status_code == 400


async def test_decline_removes_the_attendee_copy(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        created = await client.users.by_user_id(ADELE).events.post(
            meeting("1:1", at("09:00"), at("09:30"), people=(MEGAN,))
        )
        megan = client.users.by_user_id(MEGAN)
        invitation = (await megan.events.get()).value[0]
        # when
        await megan.events.by_event_id(invitation.id).decline.post(
            DeclinePostRequestBody(send_response=True)
        )
        organizer = (
            await client.users.by_user_id(ADELE).events.by_event_id(created.id).get()
        )
        remaining = await megan.events.get()
    # then
    assert organizer.attendees[0].status.response.value == "declined"
    assert remaining.value == []


async def test_organizer_cancel_removes_every_copy(core_server: CoreServer) -> None:
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        created = await events.post(
            meeting("x", at("09:00"), at("10:00"), people=(MEGAN,), rooms=(ROOM1,))
        )
        await answered(client, created.id, "accepted")
        copy = (await client.users.by_user_id(MEGAN).events.get()).value[0]
        with pytest.raises(ODataError) as not_organizer:
            await (
                client.users.by_user_id(MEGAN)
                .events.by_event_id(copy.id)
                .cancel.post(CancelPostRequestBody(comment="no"))
            )
        # when
        await events.by_event_id(created.id).cancel.post(
            CancelPostRequestBody(comment="Sorry")
        )
        megan_left = await client.users.by_user_id(MEGAN).events.get()
        adele_left = await events.get()
        booked = await room_events(client)
    # then
    assert not_organizer.value.response_status_code == 400
    assert booked == []
    assert megan_left.value == []
    assert adele_left.value == []


async def test_recurring_meeting_books_the_series_or_declines_it_whole(
    core_server: CoreServer,
) -> None:
    from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
    from msgraph.generated.models.recurrence_pattern import RecurrencePattern
    from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
    from msgraph.generated.models.recurrence_range import RecurrenceRange
    from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType

    start = datetime.fromisoformat(DAY).date()
    daily = PatternedRecurrence(
        pattern=RecurrencePattern(type=RecurrencePatternType.Daily, interval=1),
        range=RecurrenceRange(
            type=RecurrenceRangeType.Numbered, start_date=start, number_of_occurrences=2
        ),
    )
    async with graph_client(core_server.url) as client:
        events = client.users.by_user_id(ADELE).events
        body = meeting("Daily", at("09:00"), at("09:30"), rooms=(ROOM1,))
        body.recurrence = daily
        series = await events.post(body)
        await answered(client, series.id, "accepted")
        clash = meeting("Clash", at("08:00"), at("08:30"), rooms=(ROOM1,))
        clash.recurrence = daily
        blocker = await client.users.by_user_id(ROOM1).events.post(
            meeting("Direct", at("08:15", NEXT), at("08:45", NEXT))
        )
        # when
        declined = await events.post(clash)
        await answered(client, declined.id, "declined")
        copies = await room_events(client)
    # then
    assert sorted(e.subject for e in copies) == [
        "Adele Vance",
        "Adele Vance",
        blocker.subject,
    ]
    assert {e.type.value for e in copies if e.subject == "Adele Vance"} == {
        "occurrence"
    }


async def test_get_schedule_reports_availability_per_address(
    core_server: CoreServer,
) -> None:
    async with graph_client(core_server.url) as client:
        await client.users.by_user_id(ROOM1).events.post(
            meeting("Busy", at("10:00"), at("11:00"))
        )
        tentative = meeting("Maybe", at("12:00"), at("12:30"))
        from msgraph.generated.models.free_busy_status import FreeBusyStatus

        tentative.show_as = FreeBusyStatus.Tentative
        await client.users.by_user_id(ROOM1).events.post(tentative)
        body = GetSchedulePostRequestBody(
            schedules=[ROOM1, "ghost@nowhere.example"],
            start_time=when(at("09:00")),
            end_time=when(at("13:00")),
            availability_view_interval=60,
        )
        # when
        found = await client.users.by_user_id(ADELE).calendar.get_schedule.post(body)
    # then
    room, ghost = found.value
    assert room.schedule_id == ROOM1
    assert room.availability_view == "0201"
    assert [i.status.value for i in room.schedule_items] == ["busy", "tentative"]
    assert room.schedule_items[0].start.date_time == f"{DAY}T10:00:00.0000000"
    assert room.working_hours.start_time is not None
    assert ghost.error.response_code == "ErrorMailRecipientNotFound"
