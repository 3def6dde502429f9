"""Free/busy: ``POST /users/{id}/calendar/getSchedule`` (graph-contract.md §5.4).

For each address in ``schedules`` (≤ 20, range < 62 days): ``availabilityView``
has one digit per ``availabilityViewInterval`` minutes (default 30, 5-1440):
0 free, 1 tentative, 2 busy, 3 oof, 4 workingElsewhere, the strongest status of
the items overlapping the interval winning (oof > busy > tentative >
workingElsewhere > free). ``scheduleItems`` list the items with their status;
``workingHours`` come from mailbox settings. Unknown addresses get a per-entry
``error``, not an HTTP error. Times are UTC unless ``Prefer: outlook.timezone``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import timezones
from .errors import GraphError
from .event_output import effective_props
from .event_routes import read_json, zone_headers
from .mailboxes import Mailbox, open_mailbox
from .occurrences import Item, view
from .odata import context_url, graph_json, output_zone

DIGITS = {
    "free": "0",
    "tentative": "1",
    "busy": "2",
    "oof": "3",
    "workingElsewhere": "4",
    "unknown": "0",
}
STRENGTH = {
    "free": 0,
    "unknown": 0,
    "workingElsewhere": 1,
    "tentative": 2,
    "busy": 3,
    "oof": 4,
}


def availability_view(
    items: list[tuple[datetime, datetime, str]],
    start: datetime,
    end: datetime,
    minutes: int,
) -> str:
    """One digit per interval: the strongest status overlapping it."""
    step = timedelta(minutes=minutes)
    slots = math.ceil((end - start) / step)
    digits = []
    for index in range(slots):
        low, high = start + index * step, min(start + (index + 1) * step, end)
        statuses = [s for a, b, s in items if a < high and low < b] or ["free"]
        digits.append(DIGITS[max(statuses, key=lambda s: STRENGTH[s])])
    return "".join(digits)


def schedule_item(item: Item, zone: str) -> dict[str, Any]:
    props = effective_props(item)
    return {
        "isPrivate": props["sensitivity"] == "private",
        "status": props["showAs"],
        "subject": props["subject"],
        "location": props["location"].get("displayName", ""),
        "isMeeting": bool(props["attendees"]),
        "isRecurring": item.original_start is not None,
        "isException": item.kind == "exception",
        "isReminderSet": props["isReminderOn"],
        "start": timezones.from_utc(item.start, zone),
        "end": timezones.from_utc(item.end, zone),
    }


def schedule_entry(
    box: Mailbox, address: str, start: datetime, end: datetime, minutes: int, zone: str
) -> dict[str, Any]:
    user = box.emulator.find_user(box.tenant, address)
    if user is None or not user.has_mailbox:
        return {
            "scheduleId": address,
            "availabilityView": "",
            "scheduleItems": [],
            "error": {
                "message": "Mail recipient not found.",
                "responseCode": "ErrorMailRecipientNotFound",
            },
        }
    items = [
        i
        for i in view(box.emulator.mailbox(box.tenant, user.id), start, end)
        if not effective_props(i)["isCancelled"]
    ]
    spans = [(i.start, i.end, effective_props(i)["showAs"]) for i in items]
    hours = dict(user.mailbox_settings.get("workingHours") or {})
    return {
        "scheduleId": address,
        "availabilityView": availability_view(spans, start, end, minutes),
        "scheduleItems": [schedule_item(i, zone) for i in items],
        "workingHours": hours,
    }


def _interval(payload: dict[str, Any]) -> int:
    minutes = int(payload.get("availabilityViewInterval") or 30)
    if not 5 <= minutes <= 1440:
        raise GraphError(
            400,
            "ErrorInvalidParameter",
            "The availabilityViewInterval must be between 5 and 1440 minutes.",
        )
    return minutes


async def get_schedule(request: Request) -> Response:
    box = open_mailbox(request, "Calendars.ReadBasic")
    # msgraph-sdk sends this action's parameters PascalCase ("Schedules",
    # "StartTime"); Graph binds action parameters case-insensitively.
    payload = {k[:1].lower() + k[1:]: v for k, v in (await read_json(request)).items()}
    schedules = [str(s) for s in payload.get("schedules") or []]
    if not schedules or len(schedules) > 20:
        raise GraphError(
            400, "ErrorInvalidParameter", "Between 1 and 20 schedules may be requested."
        )
    start = timezones.to_utc(payload.get("startTime") or {})
    end = timezones.to_utc(payload.get("endTime") or {})
    if end <= start or end - start > timedelta(days=62):
        raise GraphError(
            400,
            "ErrorInvalidParameter",
            "The time range must be positive and shorter than 62 days.",
        )
    zone, minutes = output_zone(request), _interval(payload)
    value = [schedule_entry(box, s, start, end, minutes, zone) for s in schedules]
    body = {
        "@odata.context": context_url(
            box.emulator, "Collection(microsoft.graph.scheduleInformation)"
        ),
        "value": value,
    }
    return graph_json(request, body, headers=zone_headers(request))


routes = [
    Route("/v1.0/users/{user}/calendar/getSchedule", get_schedule, methods=["POST"]),
]
