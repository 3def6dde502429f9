"""People's calendars followed through notifications and delta, against the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest
from msgraph.generated.models.event import Event
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.location import Location
from msgraph.generated.models.sensitivity import Sensitivity

from tests.availability.harness import FOLLOWS, PROGRESS, SYNC_PEOPLE, PeopleWorld
from tests.displays.live_client import subscribe
from tests.emulated_tenant import APP_PATH, system_clock
from tests.emulator.core_directory import ADELE, ALEX, MEGAN
from tests.emulator.core_events import meeting
from tests.emulator.graph_clients import graph_client
from tests.sync.harness import eventually
from tests.sync.outlook import stamp
from transom.db import models
from transom.emulator import TENANT_DOMAIN, TENANT_ID
from transom.emulator.provisioning import add_user
from transom.security import SecretBox
from transom.sync.graph_clients import TenantClients
from transom.sync.people_sync import DirectoryRefresher

pytestmark = pytest.mark.anyio

AVAILABILITY = """
subscription A($personId: ID!) { personAvailability(personId: $personId) {
  personId availability } }
"""
BY_ADDRESS = """
query B($address: String!) { personByAddress(address: $address) {
  email aliases availability } }
"""
HIDDEN_TEXT = (
    "SELECT count(*) FROM person_busy_slots "
    "WHERE subject IS NOT NULL OR location IS NOT NULL"
)


def around_now(minutes: int = 60) -> tuple[datetime, datetime]:
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    return start, start + timedelta(minutes=minutes)


async def in_outlook(
    world: PeopleWorld, mailbox: str, subject: str, **extra: Any
) -> Event:
    """``mailbox`` puts an event on their calendar now, as in Outlook."""
    start, end = around_now()
    event = meeting(subject, stamp(start), stamp(end))
    for key, value in extra.items():
        setattr(event, key, value)
    async with graph_client(world.emulator_url) as client:
        created = await client.users.by_user_id(mailbox).events.post(event)
    assert created is not None
    return created


async def followed(world: PeopleWorld, *emails: str) -> dict[str, dict[str, Any]]:
    """Connect everyone's calendars; wait until ``emails`` are SYNCED."""
    await world.connect_people()

    async def synced() -> dict[str, dict[str, Any]] | None:
        people = await world.people()
        done = all(people[e]["calendarStatus"] == "SYNCED" for e in emails)
        return people if done else None

    return await eventually(synced, 30, "calendars synced")


async def availability_is(
    world: PeopleWorld, email: str, wanted: str, within: float
) -> None:
    async def check() -> bool:
        return (await world.people())[email]["availability"] == wanted

    await eventually(check, within, f"{email} {wanted}")


async def slot_count(world: PeopleWorld, email: str) -> int:
    rows = await world.sql(
        "SELECT count(*) FROM person_busy_slots s JOIN people p "
        "ON p.id = s.person_id WHERE p.primary_email = :email",
        email=email,
    )
    return int(rows[0][0])


async def test_connecting_calendars_gives_each_person_a_status(
    world: PeopleWorld,
) -> None:
    # given an access policy that lets the app read Adele's mailbox only
    await world.control("PUT", f"{APP_PATH}/access-policy", {"mailboxes": [ADELE]})
    # when the admin connects everyone's calendars in one step
    result = await world.connect_people()
    # then each person has a status, and Adele's calendar is being followed
    assert result["imported"]["total"] == 3
    progress = result["progress"]
    assert progress["accessDenied"] == 1
    assert progress["noMailbox"] == 1
    assert progress["syncing"] + progress["synced"] == 1
    people = await followed(world, ADELE)
    assert people[MEGAN]["calendarStatus"] == "ACCESS_DENIED"
    assert people[MEGAN]["calendarHint"]
    assert people[ALEX]["calendarStatus"] == "NO_MAILBOX"
    found = await world.data(PROGRESS, {"tenantId": world.tenant_id})
    assert found["peopleCalendarProgress"] == {
        "total": 3,
        "syncing": 0,
        "synced": 1,
        "noMailbox": 1,
        "accessDenied": 1,
    }


async def test_availability_follows_a_meeting_made_in_outlook_within_2_s(
    world: PeopleWorld,
) -> None:
    # given Adele's calendar is followed and she is free
    people = await followed(world, ADELE)
    adele = people[ADELE]
    assert adele["availability"] == "AVAILABLE"
    variables = {"personId": adele["id"]}
    async with subscribe(world.url, world.token, AVAILABILITY, variables) as live:
        first = await live.next(10)
        assert first["data"]["personAvailability"]["availability"] == "AVAILABLE"
        # when she creates a meeting in Outlook that runs now
        event = await in_outlook(world, ADELE, "Budget review")
        # then her availability is BUSY within 2 s (change notifications)
        await availability_is(world, ADELE, "BUSY", 2.0)
        # and the subscription delivers the change
        change = await live.next(10)
        assert change["data"]["personAvailability"]["availability"] == "BUSY"
        # when she shows the time as out of office instead
        async with graph_client(world.emulator_url) as client:
            item = client.users.by_user_id(ADELE).events.by_event_id(str(event.id))
            await item.patch(Event(show_as=FreeBusyStatus.Oof))
            await availability_is(world, ADELE, "OUT_OF_OFFICE", 2.0)
            change = await live.next(10)
            assert change["data"]["personAvailability"]["availability"] == (
                "OUT_OF_OFFICE"
            )
            # when she deletes it, she is available again
            await item.delete()
        await availability_is(world, ADELE, "AVAILABLE", 2.0)
        change = await live.next(10)
        assert change["data"]["personAvailability"]["availability"] == "AVAILABLE"


async def test_free_busy_only_mode_stores_no_subject_or_location(
    world: PeopleWorld,
) -> None:
    # given Adele's calendar is followed with subjects kept
    await followed(world, ADELE)
    await in_outlook(
        world, ADELE, "Salary talk", location=Location(display_name="Room 7")
    )

    async def stored() -> bool:
        return await slot_count(world, ADELE) == 1

    await eventually(stored, 10, "slot stored")
    assert (await world.sql(HIDDEN_TEXT))[0][0] == 1
    # when the tenant switches to free/busy-only
    settings = await world.set_availability(freeBusyOnly=True)
    assert settings["freeBusyOnly"] is True
    # then no subject or location is left in the database, at once
    assert (await world.sql(HIDDEN_TEXT))[0][0] == 0
    # and a new meeting is stored as times and showAs only
    await in_outlook(
        world, ADELE, "Reorganisation", location=Location(display_name="Board room")
    )

    async def both() -> bool:
        return await slot_count(world, ADELE) == 2

    await eventually(both, 10, "second slot stored")
    assert (await world.sql(HIDDEN_TEXT))[0][0] == 0
    texts = await world.sql("SELECT subject, location, show_as FROM person_busy_slots")
    assert sorted(texts) == [(None, None, "BUSY"), (None, None, "BUSY")]
    # while availability still follows the calendar
    await availability_is(world, ADELE, "BUSY", 5)


async def test_private_meetings_never_expose_subject_or_location(
    world: PeopleWorld,
) -> None:
    await followed(world, ADELE)
    # when Adele has a private meeting and a normal one
    await in_outlook(
        world,
        ADELE,
        "Doctor",
        sensitivity=Sensitivity.Private,
        location=Location(display_name="Clinic"),
    )
    await in_outlook(world, ADELE, "Standup", location=Location(display_name="Room 1"))
    start, end = around_now(24 * 60)

    async def two() -> list[dict[str, Any]] | None:
        found = await world.slots(ADELE, start - timedelta(hours=1), end)
        return found if len(found) == 2 else None

    slots = await eventually(two, 10, "two slots")
    # then the private one shows only that it is private and busy
    private = next(s for s in slots if s["isPrivate"])
    normal = next(s for s in slots if not s["isPrivate"])
    assert (private["subject"], private["location"]) == (None, None)
    assert private["availability"] == "BUSY"
    assert (normal["subject"], normal["location"]) == ("Standup", "Room 1")
    # and the database never held its subject
    rows = await world.sql(
        "SELECT count(*) FROM person_busy_slots WHERE is_private = :yes "
        "AND (subject IS NOT NULL OR location IS NOT NULL)",
        yes=True,
    )
    assert rows[0][0] == 0


async def test_events_shown_as_free_count_only_when_the_tenant_includes_them(
    world: PeopleWorld,
) -> None:
    await followed(world, ADELE)
    # given the tenant maps "free" to working elsewhere (a focus-time policy)
    await world.set_availability(
        mapping=[{"showAs": "FREE", "availability": "WORKING_ELSEWHERE"}]
    )
    # when Adele blocks time shown as free
    await in_outlook(world, ADELE, "Focus time", show_as=FreeBusyStatus.Free)

    async def stored() -> bool:
        return await slot_count(world, ADELE) == 1

    await eventually(stored, 10, "slot stored")
    start, end = around_now(24 * 60)
    # then by default it is ignored
    assert (await world.people())[ADELE]["availability"] == "AVAILABLE"
    assert await world.slots(ADELE, start - timedelta(hours=1), end) == []
    # when the tenant includes free events, it counts at once
    settings = await world.set_availability(includeFree=True)
    assert settings["includeFree"] is True
    assert (await world.people())[ADELE]["availability"] == "WORKING_ELSEWHERE"
    [slot] = await world.slots(ADELE, start - timedelta(hours=1), end)
    assert (slot["showAs"], slot["subject"]) == ("FREE", "Focus time")


async def test_a_person_is_found_by_any_alias_and_can_stop_following(
    world: PeopleWorld,
) -> None:
    people = await followed(world, ADELE)
    await in_outlook(world, ADELE, "Workshop")
    await availability_is(world, ADELE, "BUSY", 10)
    # when a switchboard looks Adele up by her alias (proxyAddresses), any case
    found = await world.data(BY_ADDRESS, {"address": "ADELE@Contoso.example"})
    person = found["personByAddress"]
    # then it is her, with her availability
    assert person["email"] == ADELE
    assert "adele@contoso.example" in person["aliases"]
    assert person["availability"] == "BUSY"
    assert (await world.data(BY_ADDRESS, {"address": "nobody@x.example"}))[
        "personByAddress"
    ] is None
    # when her availability stops following the calendar, only absences count
    changed = await world.data(
        FOLLOWS, {"personId": people[ADELE]["id"], "follows": False}
    )
    assert (
        changed["setAvailabilityFollowsCalendar"]["person"][
            "availabilityFollowsCalendar"
        ]
        is False
    )
    assert (await world.people())[ADELE]["availability"] == "AVAILABLE"


async def test_directory_refresh_daily_and_on_request_follows_newcomers(
    world: PeopleWorld,
) -> None:
    # given the tenant's calendars are connected
    await followed(world, ADELE)
    # when a newcomer joins the directory
    add_user(
        world.emulator,
        TENANT_ID,
        "Nestor Wilke",
        "nestorw",
        aliases=["nw@contoso.example"],
    )
    nestor = f"nestorw@{TENANT_DOMAIN}"
    # then the daily refresh leaves a directory imported today alone
    clients = TenantClients(world.settings, SecretBox(str(world.settings.secret_key)))
    try:
        today = DirectoryRefresher(world.sessions, clients.client, system_clock)
        assert await today.refresh_due() == 0
        assert nestor not in await world.people()
        # and imports it again a day later, connecting the newcomer's calendar
        tomorrow = DirectoryRefresher(
            world.sessions,
            clients.client,
            lambda: system_clock() + timedelta(days=1, minutes=1),
        )
        assert await tomorrow.refresh_due() == 1
    finally:
        await clients.aclose()
    people = await world.people()
    assert people[nestor]["aliases"] == ["nw@contoso.example"]
    assert people[nestor]["calendarStatus"] in ("SYNCING", "SYNCED")
    assert people[ADELE]["calendarStatus"] == "SYNCED"
    # when an admin asks for a refresh, the loops start at once
    await world.data(SYNC_PEOPLE, {"tenantId": world.tenant_id})
    await followed(world, nestor)
    await in_outlook(world, nestor, "Onboarding")
    await availability_is(world, nestor, "BUSY", 5)


async def test_a_full_resync_drops_slots_exchange_no_longer_has(
    world: PeopleWorld,
) -> None:
    people = await followed(world, ADELE)
    await in_outlook(world, ADELE, "Kept")

    async def stored() -> bool:
        return await slot_count(world, ADELE) == 1

    await eventually(stored, 10, "slot stored")
    # given a slot of an event Exchange does not have (a notification was lost)
    start, end = around_now()
    async with world.sessions() as session:
        session.add(
            models.PersonBusySlot(
                tenant_id=world.tenant_id,
                person_id=people[ADELE]["id"],
                graph_event_id="gone-from-exchange",
                start=start + timedelta(hours=2),
                end=end + timedelta(hours=2),
                show_as="OOF",
            )
        )
        await session.commit()
    # when a settings change makes every calendar be read again
    await world.set_availability(includeFree=False)

    # then only the event Exchange has is left
    async def resynced() -> list[Any] | None:
        rows = await world.sql("SELECT graph_event_id FROM person_busy_slots")
        return rows if len(rows) == 1 and rows[0][0] != "gone-from-exchange" else None

    await eventually(resynced, 10, "stale slot dropped")


async def test_newcomers_follow_their_calendar_only_when_the_tenant_says_so(
    world: PeopleWorld,
) -> None:
    # given the directory imported with the default (newcomers follow)
    await world.data(SYNC_PEOPLE, {"tenantId": world.tenant_id})
    before = await world.people()
    assert all(p["availabilityFollowsCalendar"] for p in before.values())
    # when the tenant turns the default off and two people join
    settings = await world.data(
        NEWCOMERS, {"tenantId": world.tenant_id, "follows": False}
    )
    assert settings["setAvailabilitySettings"]["settings"] == {
        "newcomersFollowCalendar": False
    }
    add_user(world.emulator, TENANT_ID, "Nestor Wilke", "nestorw")
    add_user(world.emulator, TENANT_ID, "Lynne Robbins", "lynner")
    await world.data(SYNC_PEOPLE, {"tenantId": world.tenant_id})
    # then the newcomers start from absences only; the others keep their switch
    after = await world.people()
    assert after[f"nestorw@{TENANT_DOMAIN}"]["availabilityFollowsCalendar"] is False
    assert after[f"lynner@{TENANT_DOMAIN}"]["availabilityFollowsCalendar"] is False
    for email in before:
        assert after[email]["availabilityFollowsCalendar"] is True
    # and the filter finds exactly them
    found = await world.data(
        NOT_FOLLOWING, {"tenantId": world.tenant_id, "follows": False}
    )
    assert sorted(p["email"] for p in found["people"]["nodes"]) == [
        f"lynner@{TENANT_DOMAIN}",
        f"nestorw@{TENANT_DOMAIN}",
    ]


NEWCOMERS = """
mutation N($tenantId: ID!, $follows: Boolean!) {
  setAvailabilitySettings(tenantId: $tenantId, input: {newcomersFollowCalendar: $follows}) {
    settings { newcomersFollowCalendar } } }
"""
NOT_FOLLOWING = """
query F($tenantId: ID!, $follows: Boolean!) {
  people(tenantId: $tenantId, followsCalendar: $follows) { nodes { email } } }
"""


DISCONNECT = """
mutation D($tenantId: ID!) { disconnectPeopleCalendars(tenantId: $tenantId) {
  disconnected progress { total synced syncing notConnected } } }
"""


async def test_disconnecting_calendars_stops_following_and_forgets_them(
    world: PeopleWorld,
) -> None:
    # given Adele's calendar is followed, with a meeting now
    await followed(world, ADELE)
    event = await in_outlook(world, ADELE, "Budget review")
    await availability_is(world, ADELE, "BUSY", 10)
    assert await slot_count(world, ADELE) == 1
    subscriptions = await world.control("GET", "/_emulator/subscriptions")
    assert any(ADELE in s["resource"] for s in subscriptions["value"])

    # when the admin disconnects the tenant's calendars
    done = (await world.data(DISCONNECT, {"tenantId": world.tenant_id}))[
        "disconnectPeopleCalendars"
    ]

    # then nobody's calendar is followed and nothing of it is kept
    assert done["disconnected"] >= 1
    assert done["progress"]["synced"] == done["progress"]["syncing"] == 0
    people = await world.people()
    assert people[ADELE]["calendarStatus"] == "NOT_CONNECTED"
    assert people[ADELE]["availability"] == "AVAILABLE"  # from absences only
    assert await slot_count(world, ADELE) == 0
    states = await world.sql(
        "SELECT count(*) FROM mailbox_sync_states WHERE person_id IS NOT NULL"
    )
    assert states[0][0] == 0
    subscriptions = await world.control("GET", "/_emulator/subscriptions")
    assert not any(ADELE in s["resource"] for s in subscriptions["value"])
    # and Exchange keeps the meeting
    async with graph_client(world.emulator_url) as client:
        kept = (
            await client.users.by_user_id(ADELE).events.by_event_id(str(event.id)).get()
        )
    assert kept is not None
    assert kept.subject == "Budget review"

    # when she makes another meeting, Transom does not follow it
    await in_outlook(world, ADELE, "Unseen")
    await anyio.sleep(3)
    assert await slot_count(world, ADELE) == 0

    # when the calendars are connected again, she is followed again
    await followed(world, ADELE)
    await availability_is(world, ADELE, "BUSY", 10)
