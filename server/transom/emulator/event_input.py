"""Turning a client's event JSON into stored properties (create and PATCH).

Enum inputs are case-insensitive and stored in Graph's output spelling
(``"Busy"`` → ``"busy"``, ``"Required"`` → ``"required"``). Setting
``location`` replaces ``locations`` (§2.2). Attendee responses survive a PATCH
of ``attendees`` for addresses that stay. Read-only properties in the input are
ignored, as Graph ignores them.
"""

from __future__ import annotations

from typing import Any

from . import timezones
from .errors import GraphError
from .recurrence import normalise_recurrence

NEVER = "0001-01-01T00:00:00Z"

ENUMS = {
    "showAs": ["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"],
    "importance": ["low", "normal", "high"],
    "sensitivity": ["normal", "personal", "private", "confidential"],
    "onlineMeetingProvider": [
        "unknown",
        "teamsForBusiness",
        "skypeForBusiness",
        "skypeForConsumer",
    ],
}
ATTENDEE_TYPES = ["required", "optional", "resource"]
RESPONSES = [
    "none",
    "organizer",
    "tentativelyAccepted",
    "accepted",
    "declined",
    "notResponded",
]
LOCATION_TYPES = [
    "default",
    "conferenceRoom",
    "homeAddress",
    "businessAddress",
    "geoCoordinates",
    "streetAddress",
    "hotel",
    "restaurant",
    "localBusiness",
    "postalAddress",
]
SIMPLE = [
    "subject",
    "categories",
    "isAllDay",
    "isReminderOn",
    "reminderMinutesBeforeStart",
    "responseRequested",
    "allowNewTimeProposals",
    "hideAttendees",
    "isOnlineMeeting",
]

DEFAULTS: dict[str, Any] = {
    "subject": "",
    "body": {"contentType": "html", "content": ""},
    "categories": [],
    "importance": "normal",
    "sensitivity": "normal",
    "showAs": "busy",
    "isAllDay": False,
    "isCancelled": False,
    "isReminderOn": True,
    "reminderMinutesBeforeStart": 15,
    "responseRequested": True,
    "allowNewTimeProposals": True,
    "hideAttendees": False,
    "isOnlineMeeting": False,
    "onlineMeetingProvider": "unknown",
    "location": {
        "displayName": "",
        "locationType": "default",
        "uniqueIdType": "unknown",
        "address": {},
        "coordinates": {},
    },
    "locations": [],
    "attendees": [],
    "recurrence": None,
}


def enum_value(value: Any, allowed: list[str], name: str) -> str:
    for option in allowed:
        if str(value).lower() == option.lower():
            return option
    raise GraphError(
        400,
        "ErrorInvalidRequest",
        f"Requested value '{value}' was not found for the property '{name}'.",
    )


def _body(raw: Any) -> dict[str, str]:
    raw = raw or {}
    kind = enum_value(raw.get("contentType") or "html", ["text", "html"], "contentType")
    return {"contentType": kind, "content": str(raw.get("content") or "")}


def _address(raw: Any) -> dict[str, str]:
    raw = raw or {}
    address = str(raw.get("address") or "")
    return {"name": str(raw.get("name") or address), "address": address}


def _location(raw: Any) -> dict[str, Any]:
    raw = raw or {}
    location: dict[str, Any] = {
        "displayName": str(raw.get("displayName") or ""),
        "locationType": enum_value(
            raw.get("locationType") or "default", LOCATION_TYPES, "locationType"
        ),
        "uniqueIdType": raw.get("uniqueIdType") or "unknown",
        "address": raw.get("address") or {},
        "coordinates": raw.get("coordinates") or {},
    }
    for key in ("uniqueId", "locationEmailAddress", "locationUri"):
        if raw.get(key):
            location[key] = raw[key]
    return location


def attendees(raw: list[Any], previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attendees with statuses, keeping known responses of staying attendees."""
    known = {a["emailAddress"]["address"].lower(): a["status"] for a in previous}
    result = []
    for item in raw or []:
        email = _address(item.get("emailAddress"))
        status = known.get(email["address"].lower()) or {
            "response": "none",
            "time": NEVER,
        }
        kind = enum_value(item.get("type") or "required", ATTENDEE_TYPES, "type")
        result.append({"type": kind, "status": dict(status), "emailAddress": email})
    return result


def _locations_from(props: dict[str, Any], payload: dict[str, Any]) -> None:
    if "location" in payload:
        location = _location(payload["location"])
        props["location"] = location
        props["locations"] = [location] if location["displayName"] else []
    elif "locations" in payload:
        found = [_location(item) for item in payload["locations"] or []]
        props["locations"] = found
        names = "; ".join(x["displayName"] for x in found)
        props["location"] = (
            found[0] | {"displayName": names} if found else DEFAULTS["location"]
        )


def apply_payload(
    props: dict[str, Any], payload: dict[str, Any], zone_name: str
) -> None:
    """Write the writable properties of ``payload`` into ``props``."""
    for key in SIMPLE:
        if key in payload:
            props[key] = payload[key]
    for key, allowed in ENUMS.items():
        if key in payload and payload[key] is not None:
            props[key] = enum_value(payload[key], allowed, key)
    if "body" in payload:
        props["body"] = _body(payload["body"])
    if "attendees" in payload:
        props["attendees"] = attendees(payload["attendees"], props.get("attendees", []))
    _locations_from(props, payload)
    if "recurrence" in payload:
        props["recurrence"] = normalise_recurrence(payload["recurrence"], zone_name)


def times(
    payload: dict[str, Any], start: dict[str, str] | None, end: dict[str, str] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """Validated ``start``/``end`` (new or kept); 400 when missing or reversed."""
    new_start = timezones.normalise(payload["start"]) if payload.get("start") else start
    new_end = timezones.normalise(payload["end"]) if payload.get("end") else end
    if new_start is None or new_end is None:
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. The start and end times of the event are required.",
        )
    if timezones.to_utc(new_end) < timezones.to_utc(new_start):
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. The end time of the event must be after its start time.",
        )
    return new_start, new_end


def new_props(payload: dict[str, Any], zone_name: str) -> dict[str, Any]:
    props = {
        k: (v.copy() if isinstance(v, dict | list) else v) for k, v in DEFAULTS.items()
    }
    apply_payload(props, payload, zone_name)
    return props
