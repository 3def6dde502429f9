"""The ``demo`` seed: Contoso's rooms, people and a working week of meetings.

Deterministic for a given date: ``random.Random`` seeded with the Monday of the
current week (from ``emulator.clock()``). Two buildings with room lists and 14
rooms (capacities 4-20, floors 1-4), 42 people with alias addresses, and
Monday-Friday meetings booked the way Outlook books them (room invited as a
resource attendee, answered by the attendant, so room calendars agree),
including daily and weekly series with a moved and a cancelled occurrence,
personal items and a mix of showAs values.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from . import calendars
from .model import Tenant, User
from .provisioning import add_room, add_room_list, add_user
from .store import Emulator

BUILDINGS = {
    "Harbour House": (
        ["Lighthouse", "Anchor", "Compass", "Tide", "Harbour View", "Jetty", "Beacon"],
        "1 Quay Street",
    ),
    "Foundry": (
        ["Forge", "Anvil", "Crucible", "Bellows", "Kiln", "Furnace Hall", "Smelter"],
        "27 Iron Lane",
    ),
}
CAPACITIES = [4, 6, 8, 10, 12, 16, 20]
FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
]
LAST = [
    "Ahmed",
    "Berg",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nowak",
]
TOPICS = [
    "Weekly sync",
    "Design review",
    "Budget planning",
    "Customer call",
    "Sprint planning",
    "Retro",
    "Interview",
    "Roadmap",
    "Training",
    "Architecture board",
    "Hiring panel",
    "Vendor demo",
]
SHOW_AS = ["busy"] * 8 + ["tentative", "free", "workingElsewhere"]
ZONE = "W. Europe Standard Time"


def _people(emulator: Emulator, tenant: Tenant) -> list[User]:
    users = []
    for index in range(42):
        first, last = FIRST[index % len(FIRST)], LAST[(index * 5) % len(LAST)]
        alias = f"{first}.{last}".lower()
        extra = [
            f"{first.lower()}{last[0].lower()}@{tenant.domains[0]}",
            f"{alias}@contoso.example",
        ]
        users.append(
            add_user(
                emulator,
                tenant.id,
                f"{first} {last}",
                alias,
                aliases=extra,
                job_title="Staff",
                department=["Sales", "Engineering", "Finance", "People"][index % 4],
            )
        )
    return users


def _rooms(emulator: Emulator, tenant: Tenant) -> list[User]:
    rooms = []
    for building, (names, street) in BUILDINGS.items():
        members = []
        for index, name in enumerate(names):
            slug = f"{building.split()[0][:3]}-{name.replace(' ', '')}".lower()
            room = add_room(
                emulator,
                tenant.id,
                f"{building} {name}",
                slug,
                capacity=CAPACITIES[index],
                building=building,
                floor=1 + index % 4,
                address={
                    "street": street,
                    "city": "Seattle",
                    "state": "WA",
                    "postalCode": "98101",
                    "countryOrRegion": "US",
                },
                isWheelChairAccessible=index % 2 == 0,
                videoDeviceName="Teams Room" if CAPACITIES[index] >= 10 else None,
                tags=["whiteboard"] if index % 3 == 0 else [],
            )
            members.append(room)
        alias = f"rooms-{building.split()[0].lower()}"
        add_room_list(
            emulator,
            tenant.id,
            f"{building} rooms",
            alias,
            members,
            {"street": street, "city": "Seattle"},
        )
        rooms += members
    return rooms


def _when(day: date, hour: float) -> dict[str, str]:
    moment = datetime.combine(day, time(int(hour), int((hour % 1) * 60)))
    return {"dateTime": moment.isoformat(), "timeZone": ZONE}


def _meeting(
    rng: random.Random,
    people: list[User],
    room: User,
    day: date,
    hour: float,
    minutes: int,
) -> dict[str, Any]:
    invited = rng.sample(people, rng.randint(1, 4))
    end = hour + minutes / 60
    return {
        "subject": rng.choice(TOPICS),
        "body": {"contentType": "html", "content": "<p>Agenda to follow.</p>"},
        "start": _when(day, hour),
        "end": _when(day, end),
        "showAs": rng.choice(SHOW_AS),
        "location": {
            "displayName": room.display_name,
            "locationEmailAddress": room.mail,
            "locationType": "conferenceRoom",
        },
        "attendees": [
            {
                "type": "required",
                "emailAddress": {"address": p.mail, "name": p.display_name},
            }
            for p in invited
        ]
        + [
            {
                "type": "resource",
                "emailAddress": {"address": room.mail, "name": room.display_name},
            }
        ],
    }


def _book(
    emulator: Emulator, tenant: Tenant, organizer: User, payload: dict[str, Any]
) -> None:
    calendars.create_event(emulator, tenant, organizer, payload)
    emulator.drain()


def _week(
    emulator: Emulator,
    tenant: Tenant,
    rng: random.Random,
    people: list[User],
    rooms: list[User],
    monday: date,
) -> None:
    for offset in range(5):
        day = monday + timedelta(days=offset)
        for room in rooms:
            for _ in range(rng.randint(0, 3)):
                hour = rng.choice([8, 8.5, 9, 10, 11, 13, 14, 14.5, 15, 16])
                organizer = rng.choice(people)
                _book(
                    emulator,
                    tenant,
                    organizer,
                    _meeting(
                        rng, people, room, day, hour, rng.choice([30, 60, 60, 90])
                    ),
                )


def _series(
    emulator: Emulator,
    tenant: Tenant,
    people: list[User],
    rooms: list[User],
    monday: date,
) -> None:
    standup = _meeting(random.Random(1), people[:5], rooms[0], monday, 9.25, 15) | {
        "subject": "Team stand-up",
        "showAs": "busy",
    }
    standup["recurrence"] = {
        "pattern": {"type": "daily", "interval": 1},
        "range": {
            "type": "endDate",
            "startDate": (monday - timedelta(days=14)).isoformat(),
            "endDate": (monday + timedelta(days=60)).isoformat(),
        },
    }
    standup["start"], standup["end"] = (
        _when(monday - timedelta(days=14), 9.25),
        _when(monday - timedelta(days=14), 9.5),
    )
    _book(emulator, tenant, people[0], standup)
    weekly = _meeting(random.Random(2), people[5:9], rooms[8], monday, 16, 60) | {
        "subject": "Ops review"
    }
    weekly["recurrence"] = {
        "pattern": {
            "type": "weekly",
            "interval": 1,
            "daysOfWeek": ["Tuesday", "Thursday"],
        },
        "range": {
            "type": "numbered",
            "startDate": monday.isoformat(),
            "numberOfOccurrences": 12,
        },
    }
    weekly["start"], weekly["end"] = (
        _when(monday + timedelta(days=1), 16.5),
        _when(monday + timedelta(days=1), 17.5),
    )
    _book(emulator, tenant, people[5], weekly)
    _personal(emulator, tenant, people, monday)


def _personal(
    emulator: Emulator, tenant: Tenant, people: list[User], monday: date
) -> None:
    items = [
        (people[10], "Out of office", monday + timedelta(days=2), 0, 24, "oof"),
        (people[11], "Focus time", monday + timedelta(days=1), 13, 15, "busy"),
        (people[12], "Working from home", monday, 8, 17, "workingElsewhere"),
        (
            people[13],
            "Dentist (maybe)",
            monday + timedelta(days=3),
            10,
            11,
            "tentative",
        ),
    ]
    for owner, subject, day, first, last, show_as in items:
        end_day = day + timedelta(days=1) if last == 24 else day
        payload = {
            "subject": subject,
            "showAs": show_as,
            "isAllDay": last == 24,
            "start": _when(day, first),
            "end": _when(end_day, 0 if last == 24 else last),
        }
        _book(emulator, tenant, owner, payload)


def _exceptions(
    emulator: Emulator, tenant: Tenant, organizer: User, monday: date
) -> None:
    from .occurrences import view

    events = emulator.mailbox(tenant, organizer.id)
    start = datetime.combine(monday, time(0), tzinfo=UTC)
    standups = [
        i
        for i in view(events, start, start + timedelta(days=5))
        if i.kind == "occurrence" and i.event.props["subject"] == "Team stand-up"
    ]
    if len(standups) >= 3:
        moved = standups[1]
        calendars.update_item(
            emulator,
            tenant,
            organizer,
            moved,
            {
                "start": {
                    "dateTime": (moved.start + timedelta(hours=1)).isoformat(),
                    "timeZone": "UTC",
                },
                "end": {
                    "dateTime": (moved.end + timedelta(hours=1)).isoformat(),
                    "timeZone": "UTC",
                },
                "subject": "Team stand-up (moved)",
            },
            None,
        )
        calendars.delete_item(emulator, tenant, organizer, standups[2])
        emulator.drain()


def populate(emulator: Emulator, tenant: Tenant) -> None:
    """Fill the Contoso directory with the demo's rooms, people and week."""
    today = emulator.clock().date()
    monday = today - timedelta(days=today.weekday())
    emulator.rng.seed(f"transom-demo-{monday.isoformat()}")
    rng = random.Random(f"meetings-{monday.isoformat()}")
    rooms = _rooms(emulator, tenant)
    people = _people(emulator, tenant)
    _week(emulator, tenant, rng, people, rooms, monday)
    _series(emulator, tenant, people, rooms, monday)
    _exceptions(emulator, tenant, people[0], monday)
