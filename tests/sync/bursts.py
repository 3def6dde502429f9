"""Bursts of bookings through the API against the emulator, and what to check after.

- :func:`linked_rooms`: the tenant connected, three rooms imported, linked, in sync.
- :func:`book_burst`: ``count`` ``bookRoom`` calls, ``in_flight`` at a time,
  spread over rooms, each in a slot of its own (every other one with a directory
  organizer, so both Exchange routes are exercised: the organizer's calendar
  with the room invited, and a direct write into the room calendar).
- :func:`transom_bookings`: what Transom lists for the rooms over the burst's days.
- :func:`exchange_slots`: what the room calendars hold, through msgraph-sdk.
- :func:`assert_exactly_once`: one confirmed Transom booking per booked slot, no
  copy beside it, and one live Exchange event per slot.

Used by ``tests/sync/test_bursts.py`` and ``bench/bursts.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio

from tests.emulator.graph_clients import graph_client
from tests.sync.harness import Api, address
from transom.emulator import CLIENT_SECRET

BOOK = """
mutation ($input: BookRoomInput!) { bookRoom(input: $input) {
  booking { id state } userErrors { message code } } }"""
CANCEL = "mutation ($id: ID!) { cancelBooking(id: $id) { booking { id state } } }"
BOOKINGS = """
query ($start: DateTime!, $end: DateTime!) { rooms { id
  bookings(start: $start, end: $end) { id subject state source start } } }"""
SLOT = timedelta(minutes=30)
MAILBOXES = [address(alias) for alias in ("aurora", "borealis", "cirrus")]


@dataclass(frozen=True)
class Booked:
    id: str
    room_id: str
    mailbox: str
    subject: str
    start: datetime


async def linked_rooms(api: Api) -> dict[str, str]:
    await api.connect()
    imported = await api.import_rooms()
    rooms = {}
    for mailbox in MAILBOXES:
        room = await api.link(imported[mailbox], mailbox)
        assert room["linkState"] == "VERIFIED", room
        rooms[mailbox] = room["id"]
    for room_id in rooms.values():
        await api.in_sync(room_id)
    return rooms


def burst_start() -> datetime:
    """Midnight UTC the day after tomorrow: inside the synced window, never now."""
    day = datetime.now(UTC).date() + timedelta(days=2)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def book_burst(
    api: Api,
    rooms: dict[str, str],
    *,
    count: int,
    in_flight: int = 8,
    first: int = 0,
    organizer: str = address("adele"),
) -> list[Booked]:
    """Book ``count`` slots (numbered from ``first``) over ``rooms`` (mailbox →
    room id); every booking answered PENDING or CONFIRMED."""
    mailboxes = sorted(rooms)
    origin = burst_start()
    limiter = anyio.CapacityLimiter(in_flight)
    booked: list[Booked] = []

    async def one(number: int) -> None:
        mailbox = mailboxes[number % len(mailboxes)]
        start = origin + SLOT * (number // len(mailboxes))
        subject = f"Burst {number}"
        values: dict[str, Any] = {
            "roomId": rooms[mailbox],
            "start": start.isoformat(),
            "end": (start + SLOT).isoformat(),
            "subject": subject,
        }
        if number % 2 == 0:
            values["organizerEmail"] = organizer
        async with limiter:
            data = await api.data(BOOK, input=values)
        result = data["bookRoom"]["booking"]
        booked.append(Booked(result["id"], rooms[mailbox], mailbox, subject, start))

    async with anyio.create_task_group() as task_group:
        for number in range(first, first + count):
            task_group.start_soon(one, number)
    return booked


async def cancel_all(api: Api, booked: list[Booked]) -> None:
    for booking in booked:
        data = await api.data(CANCEL, id=booking.id)
        assert data["cancelBooking"]["booking"]["state"] == "CANCELLED", data


async def transom_bookings(api: Api) -> list[dict[str, Any]]:
    origin = burst_start()
    data = await api.data(
        BOOKINGS,
        start=origin.isoformat(),
        end=(origin + timedelta(days=3)).isoformat(),
    )
    return [b | {"roomId": r["id"]} for r in data["rooms"] for b in r["bookings"]]


async def exchange_slots(
    emulator_url: str, mailboxes: list[str], secret: str = CLIENT_SECRET
) -> Counter[str]:
    """Live (not cancelled) events of the room calendars over the burst's days,
    counted by room and start (rooms may rewrite a meeting's subject)."""
    origin = burst_start()
    found: Counter[str] = Counter()
    async with graph_client(emulator_url, secret=secret) as client:
        for mailbox in mailboxes:
            view = client.users.by_user_id(mailbox).calendar_view
            config = view.CalendarViewRequestBuilderGetRequestConfiguration(
                query_parameters=view.CalendarViewRequestBuilderGetQueryParameters(
                    start_date_time=origin.isoformat(),
                    end_date_time=(origin + timedelta(days=3)).isoformat(),
                    top=500,
                )
            )
            page = await view.get(request_configuration=config)
            for event in (page.value if page else []) or []:
                if not event.is_cancelled:
                    found[_slot_key(mailbox, event.start.date_time)] += 1
    return found


def _slot_key(mailbox: str, start: datetime | str) -> str:
    moment = start if isinstance(start, datetime) else datetime.fromisoformat(start)
    return f"{mailbox} {moment.strftime('%Y-%m-%dT%H:%M')}"


async def settled(api: Api, booked: list[Booked]) -> list[dict[str, Any]] | None:
    """Transom's rows for the burst once none of ``booked`` is PENDING."""
    rows = await transom_bookings(api)
    states = {r["id"]: r["state"] for r in rows}
    if any(states.get(b.id, "PENDING") == "PENDING" for b in booked):
        return None
    return rows


async def assert_exactly_once(
    api: Api,
    emulator_url: str,
    booked: list[Booked],
    *,
    cancelled: frozenset[str] = frozenset(),
    secret: str = CLIENT_SECRET,
) -> None:
    """Each kept booking: CONFIRMED, the only Transom row of its subject, and one
    live event in its room's calendar; each cancelled one: no live event."""
    rows = await transom_bookings(api)
    by_subject = Counter(r["subject"] for r in rows if r["state"] != "CANCELLED")
    state = {r["id"]: r["state"] for r in rows}
    kept = [b for b in booked if b.id not in cancelled]
    assert {b.id: state.get(b.id) for b in kept} == {b.id: "CONFIRMED" for b in kept}
    twice = [r for r in rows if by_subject[r["subject"]] > 1]
    assert {b.subject: by_subject[b.subject] for b in kept} == {
        b.subject: 1 for b in kept
    }, f"rows of subjects Transom holds more than once: {twice}"
    assert [r for r in rows if r["source"] == "OUTLOOK"] == []
    mailboxes = sorted({b.mailbox for b in booked})
    in_exchange = await exchange_slots(emulator_url, mailboxes, secret)
    wrong = {
        b.subject: in_exchange[_slot_key(b.mailbox, b.start)]
        for b in booked
        if in_exchange[_slot_key(b.mailbox, b.start)] != (b.id not in cancelled)
    }
    assert wrong == {}, "live events in Exchange per booking"
