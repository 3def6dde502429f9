"""Keeping attendees' calendars in step with the organizer's event.

For every attendee that is a mailbox of the same directory:

- a person gets a copy at once (same ``iCalUId``, ``isOrganizer`` false,
  ``responseStatus`` notResponded, kept response while the time stays);
- a room is left to the Resource Booking Attendant (:mod:`.attendant`), which
  answers after ``emulator.attendant_delay`` seconds.

A copy records its origin (``organizerId/eventId``); uninvited attendees lose
their copy, and deleting or cancelling the organizer's event removes them all.
Responses flow back into the organizer's attendee list (:func:`record_response`).
"""

from __future__ import annotations

import copy
from typing import Any

from . import attendant, ids
from .model import Event, Tenant, User
from .store import Emulator

MIRRORED = (
    "subject",
    "body",
    "importance",
    "sensitivity",
    "isAllDay",
    "isCancelled",
    "location",
    "locations",
    "attendees",
    "organizer",
    "recurrence",
    "showAs",
    "isOnlineMeeting",
    "onlineMeetingProvider",
    "allowNewTimeProposals",
    "hideAttendees",
    "responseRequested",
)


def origin_of(organizer: User, event: Event) -> str:
    return f"{organizer.id}/{event.id}"


def find_copy(
    emulator: Emulator, tenant: Tenant, user: User, origin: str
) -> Event | None:
    for event in emulator.mailbox(tenant, user.id).values():
        if event.origin == origin:
            return event
    return None


def _invitees(
    emulator: Emulator, tenant: Tenant, organizer: User, attendees: list[dict[str, Any]]
) -> dict[str, User]:
    found: dict[str, User] = {}
    for attendee in attendees:
        user = emulator.find_user(tenant, attendee["emailAddress"]["address"])
        if user is not None and user.id != organizer.id and user.has_mailbox:
            found[user.id] = user
    return found


def new_copy(emulator: Emulator, event: Event, origin: str, *, reminder: bool) -> Event:
    """An empty attendee (or room) copy of ``event``, to be filled by :func:`mirror`."""
    return Event(
        id=ids.event_id(emulator.rng),
        props={
            "categories": [],
            "isReminderOn": reminder,
            "reminderMinutesBeforeStart": 15,
        },
        start={},
        end={},
        ical_uid=event.ical_uid,
        change_key="",
        created="",
        modified="",
        origin=origin,
    )


def mirror(source: Event, target: Event) -> None:
    """Copy the meeting's shared properties and times from ``source`` to ``target``."""
    for key in MIRRORED:
        target.props[key] = copy.deepcopy(source.props.get(key))
    target.start, target.end = dict(source.start), dict(source.end)
    target.exceptions = copy.deepcopy(source.exceptions)
    target.cancelled = list(source.cancelled)


def _upsert_person_copy(
    emulator: Emulator, tenant: Tenant, organizer: User, event: Event, user: User
) -> None:
    origin = origin_of(organizer, event)
    existing = find_copy(emulator, tenant, user, origin)
    moved = existing is not None and (existing.start, existing.end) != (
        event.start,
        event.end,
    )
    target = existing or new_copy(emulator, event, origin, reminder=True)
    mirror(event, target)
    target.props["isOrganizer"] = False
    if existing is None or moved:
        target.props["responseStatus"] = {
            "response": "notResponded",
            "time": "0001-01-01T00:00:00Z",
        }
    emulator.save_event(
        tenant, user.id, target, "created" if existing is None else "updated"
    )


def propagate(
    emulator: Emulator,
    tenant: Tenant,
    organizer: User,
    event: Event,
    previous: list[dict[str, Any]],
) -> None:
    """After an organizer write: update invitees' copies, drop uninvited ones."""
    now_invited = _invitees(emulator, tenant, organizer, event.props["attendees"])
    before = _invitees(emulator, tenant, organizer, previous)
    origin = origin_of(organizer, event)
    for user in before.values():
        if user.id not in now_invited and (
            gone := find_copy(emulator, tenant, user, origin)
        ):
            emulator.remove_event(tenant, user.id, gone.id)
    for user in now_invited.values():
        if user.processing is not None:
            attendant.request_or_refresh(emulator, tenant, event, origin, user)
        else:
            _upsert_person_copy(emulator, tenant, organizer, event, user)


def withdraw(emulator: Emulator, tenant: Tenant, organizer: User, event: Event) -> None:
    """The organizer's event is gone: remove every attendee copy."""
    origin = origin_of(organizer, event)
    for user in _invitees(
        emulator, tenant, organizer, event.props["attendees"]
    ).values():
        if (found := find_copy(emulator, tenant, user, origin)) is not None:
            emulator.remove_event(tenant, user.id, found.id)


def set_attendee_status(
    event: Event, addresses: list[str], response: str, time: str
) -> bool:
    for attendee in event.props["attendees"]:
        if attendee["emailAddress"]["address"].lower() in addresses:
            attendee["status"] = {"response": response, "time": time}
            return True
    return False


def record_response(
    emulator: Emulator,
    tenant: Tenant,
    attendee: User,
    copy_event: Event,
    response: str,
    time: str,
) -> None:
    """Write an attendee's response into the organizer's event."""
    if copy_event.origin is None:
        return
    organizer_id, _, event_id = copy_event.origin.partition("/")
    event = emulator.mailbox(tenant, organizer_id).get(event_id)
    if event is not None and set_attendee_status(
        event, attendee.addresses(), response, time
    ):
        emulator.save_event(tenant, organizer_id, event, "updated")
