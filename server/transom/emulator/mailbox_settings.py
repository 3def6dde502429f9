"""Mailbox settings: GET/PATCH ``/users/{id}/mailboxSettings`` (graph-contract.md §6).

PATCH answers 200 with the properties it changed. ``automaticRepliesSetting``
accepts enum values in any case and returns them camelCase; scheduled times are
normalised to UTC; plain-text reply messages are wrapped in ``<html><body>``.
Errors: ``ErrorInvalidTimeSettings`` (start not before end), ``InvalidTimeZone``,
``InvalidArguments`` (bad day), ``RequestBodyRead`` (bad value). ``userPurpose``
is read-only.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import timezones
from .errors import GraphError
from .event_routes import read_json
from .mailboxes import open_mailbox
from .odata import context_url, graph_json
from .recurrence import DAYS

STATUSES = ["disabled", "alwaysEnabled", "scheduled"]
AUDIENCES = ["none", "contactsOnly", "all"]
DELEGATE_OPTIONS = [
    "sendToDelegateAndInformationToPrincipal",
    "sendToDelegateAndPrincipal",
    "sendToDelegateOnly",
]
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$")


def _enum(value: Any, allowed: list[str], name: str) -> str:
    for option in allowed:
        if str(value).lower() == option.lower():
            return option
    raise GraphError(
        400,
        "RequestBodyRead",
        f"Requested value '{value}' was not found for the property '{name}'.",
    )


def _message(text: Any) -> str:
    text = str(text or "")
    return (
        text
        if not text or text.lstrip().lower().startswith("<html")
        else f"<html>\n<body>\n{text}\n</body>\n</html>\n"
    )


def _scheduled(value: Any) -> dict[str, str]:
    try:
        moment = timezones.to_utc(value)
    except GraphError as exc:
        if exc.code == "TimeZoneNotSupportedException":
            raise GraphError(400, "InvalidTimeZone", exc.message) from exc
        raise GraphError(400, "RequestBodyRead", exc.message) from exc
    return timezones.from_utc(moment, "UTC")


def automatic_replies(current: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    if "status" in raw:
        merged["status"] = _enum(raw["status"], STATUSES, "status")
    if "externalAudience" in raw:
        merged["externalAudience"] = _enum(
            raw["externalAudience"], AUDIENCES, "externalAudience"
        )
    for key in ("internalReplyMessage", "externalReplyMessage"):
        if key in raw:
            merged[key] = _message(raw[key])
    for key in ("scheduledStartDateTime", "scheduledEndDateTime"):
        if key in raw:
            merged[key] = _scheduled(raw[key])
    start = timezones.to_utc(merged["scheduledStartDateTime"])
    if merged["status"] == "scheduled" and start >= timezones.to_utc(
        merged["scheduledEndDateTime"]
    ):
        raise GraphError(
            400,
            "ErrorInvalidTimeSettings",
            "The start time is greater than the end time.",
        )
    return merged


def _clock(value: Any) -> str:
    text = str(value)
    if not _TIME.match(text):
        raise GraphError(
            400,
            "RequestBodyRead",
            f"Cannot convert the literal '{text}' to the expected type 'Edm.TimeOfDay'.",
        )
    hours, minutes, *rest = text.split(":")
    seconds = rest[0] if rest else "00"
    whole, _, fraction = seconds.partition(".")
    return f"{hours}:{minutes}:{whole}.{fraction.ljust(7, '0')}"


def working_hours(current: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    if "daysOfWeek" in raw:
        try:
            merged["daysOfWeek"] = [
                next(d for d in DAYS if d == str(x).lower()) for x in raw["daysOfWeek"]
            ]
        except StopIteration as exc:
            raise GraphError(
                400, "InvalidArguments", "Invalid day of week in working hours."
            ) from exc
    for key in ("startTime", "endTime"):
        if key in raw:
            merged[key] = _clock(raw[key])
    if "timeZone" in raw:
        name = str((raw["timeZone"] or {}).get("name") or "")
        _check_zone(name)
        merged["timeZone"] = {"name": name}
    return merged


def _check_zone(name: str) -> None:
    try:
        timezones.zone(name)
    except GraphError as exc:
        raise GraphError(
            400, "InvalidTimeZone", f"The time zone '{name}' is not valid."
        ) from exc


def apply_settings(settings: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Apply a PATCH to ``settings`` (in place, all-or-nothing); returns changed parts."""
    updated = copy.deepcopy(settings)
    if "automaticRepliesSetting" in payload:
        updated["automaticRepliesSetting"] = automatic_replies(
            updated["automaticRepliesSetting"], payload["automaticRepliesSetting"] or {}
        )
    if "workingHours" in payload:
        updated["workingHours"] = working_hours(
            updated["workingHours"], payload["workingHours"] or {}
        )
    if "timeZone" in payload:
        _check_zone(str(payload["timeZone"]))
        updated["timeZone"] = payload["timeZone"]
    for key in ("dateFormat", "timeFormat", "language"):
        if key in payload:
            updated[key] = payload[key]
    if "delegateMeetingMessageDeliveryOptions" in payload:
        updated["delegateMeetingMessageDeliveryOptions"] = _enum(
            payload["delegateMeetingMessageDeliveryOptions"],
            DELEGATE_OPTIONS,
            "delegateMeetingMessageDeliveryOptions",
        )
    settings.clear()
    settings.update(updated)
    return {k: updated[k] for k in payload if k in updated}


async def get_settings(request: Request) -> Response:
    box = open_mailbox(request, "MailboxSettings.Read")
    body: dict[str, Any] = {
        "@odata.context": context_url(
            box.emulator, f"users('{box.user.id}')/mailboxSettings"
        )
    }
    part = request.path_params.get("part")
    if part is not None:
        if part not in box.user.mailbox_settings:
            raise GraphError(
                400, "BadRequest", f"Resource not found for the segment '{part}'."
            )
        value = box.user.mailbox_settings[part]
        body.update(value if isinstance(value, dict) else {"value": value})
        return graph_json(request, body)
    body.update(box.user.mailbox_settings)
    return graph_json(request, body)


async def patch_settings(request: Request) -> Response:
    box = open_mailbox(request, "MailboxSettings.ReadWrite")
    payload = await read_json(request)
    if "userPurpose" in payload:
        raise GraphError(
            400, "ErrorInvalidRequest", "The property 'userPurpose' is read-only."
        )
    changed = apply_settings(box.user.mailbox_settings, payload)
    box.emulator.dirty = True
    body: dict[str, Any] = {
        "@odata.context": context_url(
            box.emulator, f"users('{box.user.id}')/mailboxSettings"
        )
    }
    body.update(changed)
    return graph_json(request, body)


async def settings_route(request: Request) -> Response:
    return await (
        patch_settings(request) if request.method == "PATCH" else get_settings(request)
    )


routes = [
    Route(
        "/v1.0/users/{user}/mailboxSettings", settings_route, methods=["GET", "PATCH"]
    ),
    Route("/v1.0/users/{user}/mailboxSettings/{part}", get_settings),
]
