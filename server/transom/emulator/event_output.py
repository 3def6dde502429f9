"""Events as Graph returns them (graph-contract.md §2.2).

:func:`item_json` renders a :class:`~.occurrences.Item` with every property
Graph sends, ``start``/``end`` in the requested zone (``Prefer:
outlook.timezone``, default UTC) and the ``@odata.etag`` of its change key.
Occurrences and exceptions carry ``seriesMasterId``, ``originalStart`` and an
``iCalUId`` with the occurrence date embedded, as Exchange's do.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from . import timezones
from .occurrences import Item

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def body_preview(body: dict[str, str]) -> str:
    text = body.get("content", "")
    if body.get("contentType") == "html":
        text = re.sub(r"(?is)<(head|style|script)[^>]*>.*?</\1>", " ", text)
        text = html.unescape(_TAGS.sub(" ", text))
    return _SPACES.sub(" ", text).strip()[:255]


def occurrence_ical_uid(ical_uid: str, original_start: str) -> str:
    year, month, day = (
        int(original_start[:4]),
        int(original_start[5:7]),
        int(original_start[8:10]),
    )
    return f"{ical_uid[:32]}{year:04X}{month:02X}{day:02X}{ical_uid[40:]}"


def web_link(item_id: str) -> str:
    return f"https://outlook.office365.com/owa/?itemid={quote(item_id, safe='')}&exvsurl=1&path=/calendar/item"


def effective_props(item: Item) -> dict[str, Any]:
    props = dict(item.event.props)
    if item.kind in ("occurrence", "exception"):
        overrides = item.event.exceptions.get(item.original_start or "", {})
        props.update(
            {
                k: v
                for k, v in overrides.items()
                if k not in ("start", "end", "changeKey", "lastModifiedDateTime")
            }
        )
        props["recurrence"] = None
    return props


def _identity(item: Item) -> dict[str, Any]:
    event = item.event
    overrides = event.exceptions.get(item.original_start or "", {})
    ical = event.ical_uid
    if item.original_start is not None:
        ical = occurrence_ical_uid(ical, item.original_start)
    return {
        "@odata.type": "#microsoft.graph.event",
        "@odata.etag": f'W/"{item.change_key}"',
        "id": item.id,
        "createdDateTime": event.created,
        "lastModifiedDateTime": overrides.get("lastModifiedDateTime", event.modified),
        "changeKey": item.change_key,
        "transactionId": event.transaction_id,
        "originalStartTimeZone": event.start["timeZone"],
        "originalEndTimeZone": event.end["timeZone"],
        "iCalUId": ical,
        "type": item.kind,
        "seriesMasterId": event.id if item.original_start else None,
        "webLink": web_link(item.id),
    }


def item_json(item: Item, zone_name: str = "UTC") -> dict[str, Any]:
    """The full Graph JSON of ``item`` with times in ``zone_name``."""
    props = effective_props(item)
    body = _identity(item)
    if item.original_start is not None:
        body["originalStart"] = item.original_start
    body.update(
        {
            "categories": props["categories"],
            "reminderMinutesBeforeStart": props["reminderMinutesBeforeStart"],
            "isReminderOn": props["isReminderOn"],
            "hasAttachments": False,
            "subject": props["subject"],
            "bodyPreview": body_preview(props["body"]),
            "importance": props["importance"],
            "sensitivity": props["sensitivity"],
            "isAllDay": props["isAllDay"],
            "isCancelled": props["isCancelled"],
            "isOrganizer": props["isOrganizer"],
            "responseRequested": props["responseRequested"],
            "showAs": props["showAs"],
            "onlineMeetingUrl": None,
            "isOnlineMeeting": props["isOnlineMeeting"],
            "onlineMeetingProvider": props["onlineMeetingProvider"],
            "allowNewTimeProposals": props["allowNewTimeProposals"],
            "isDraft": False,
            "hideAttendees": props["hideAttendees"],
            "responseStatus": props["responseStatus"],
            "body": props["body"],
            "start": timezones.from_utc(item.start, zone_name),
            "end": timezones.from_utc(item.end, zone_name),
            "location": props["location"],
            "locations": props["locations"],
            "recurrence": props["recurrence"],
            "attendees": props["attendees"],
            "organizer": props["organizer"],
            "onlineMeeting": None,
        }
    )
    return body


def removed_json(item_id: str) -> dict[str, Any]:
    """A delta ``@removed`` entry for an item that left the view."""
    return {
        "@odata.type": "#microsoft.graph.event",
        "id": item_id,
        "@removed": {"reason": "deleted"},
    }
