"""The Resource Booking Attendant of room mailboxes (graph-contract.md §5.2).

When an organizer's event invites a room, :func:`request` queues an answer
after ``emulator.attendant_delay`` seconds. :func:`answer` then applies the
room's calendar processing:

- ``AutomateProcessing`` None: nothing happens (the request stays unanswered);
  AutoUpdate: a tentative copy, no response;
- AutoAccept: decline when the meeting is recurring and recurring meetings are
  not allowed, longer than ``MaximumDurationInMinutes`` (0 = unlimited), ends
  beyond ``BookingWindowInDays`` (a series with no end always does), or
  overlaps a busy item of the room unless ``AllowConflicts`` (a series with any
  conflicting occurrence is declined whole); accept otherwise.

Accepting writes the room's copy (same ``iCalUId``, organizer = booker,
``isOrganizer`` false, ``responseStatus`` accepted) with the privacy rewrite:
``AddOrganizerToSubject``, ``DeleteSubject``, ``DeleteComments``. Declining
removes any copy. The room attendee's status in the organizer's event becomes
accepted/declined.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .model import CalendarProcessing, Event, Tenant, User
from .occurrences import Item, expand, view
from .store import Emulator, iso


def request(
    emulator: Emulator, tenant_id: str, organizer_id: str, event_id: str, room_id: str
) -> None:
    """Queue the room's answer to the organizer's (new or changed) event."""
    emulator.schedule(
        emulator.attendant_delay,
        lambda: answer(emulator, tenant_id, organizer_id, event_id, room_id),
    )


def request_or_refresh(
    emulator: Emulator, tenant: Tenant, event: Event, origin: str, room: User
) -> None:
    """Re-ask the room when it has not accepted this version; else refresh its copy.

    Time changes reset the room's response (see :mod:`.calendars`), so an
    ``accepted`` status means only descriptive fields changed.
    """
    from .meetings import find_copy

    status = next(
        (
            a["status"]["response"]
            for a in event.props["attendees"]
            if a["emailAddress"]["address"].lower() in room.addresses()
        ),
        "none",
    )
    if status == "accepted" and find_copy(emulator, tenant, room, origin) is not None:
        _write_copy(emulator, tenant, room, event, origin, "accepted")
        return
    organizer_id = origin.partition("/")[0]
    request(emulator, tenant.id, organizer_id, event.id, room.id)


def _last_end(event: Event, now: datetime) -> datetime | None:
    recurrence = event.props.get("recurrence")
    if recurrence is not None and recurrence["range"]["type"] == "noEnd":
        return None
    items = expand(event, now - timedelta(days=3650), now + timedelta(days=3650))
    return max((i.end for i in items), default=now)


def decline_reason(
    emulator: Emulator, tenant: Tenant, room: User, event: Event, origin: str
) -> str | None:
    """Why the room declines ``event``, or None to accept."""
    rules = room.processing or CalendarProcessing()
    now = emulator.clock()
    is_series = event.props.get("recurrence") is not None
    if is_series and not rules.allow_recurring_meetings:
        return "recurring meetings are not allowed"
    items = expand(
        event,
        now - timedelta(days=3650),
        now + timedelta(days=max(rules.booking_window_in_days, 1)),
    )
    longest = max((i.end - i.start for i in items), default=timedelta())
    if rules.maximum_duration_in_minutes and longest > timedelta(
        minutes=rules.maximum_duration_in_minutes
    ):
        return "longer than the maximum duration"
    last_end = _last_end(event, now)
    horizon = now + timedelta(days=rules.booking_window_in_days)
    if last_end is None or last_end > horizon + timedelta(
        days=1 if rules.booking_window_in_days == 0 else 0
    ):
        return "outside the booking window"
    if not rules.allow_conflicts and _conflicts(emulator, tenant, room, items, origin):
        return "conflict"
    return None


def _conflicts(
    emulator: Emulator, tenant: Tenant, room: User, items: list[Item], origin: str
) -> bool:
    if not items:
        return False
    others = {
        k: e for k, e in emulator.mailbox(tenant, room.id).items() if e.origin != origin
    }
    taken = view(others, min(i.start for i in items), max(i.end for i in items))
    busy = [t for t in taken if t.event.props.get("showAs") != "free"]
    return any(t.start < i.end and i.start < t.end for i in items for t in busy)


def _room_subject(rules: CalendarProcessing, organizer_name: str, subject: str) -> str:
    parts = [
        organizer_name if rules.add_organizer_to_subject else "",
        "" if rules.delete_subject else subject,
    ]
    return " ".join(p for p in parts if p)


def _write_copy(
    emulator: Emulator,
    tenant: Tenant,
    room: User,
    event: Event,
    origin: str,
    response: str,
) -> None:
    from .meetings import find_copy, mirror, new_copy

    existing = find_copy(emulator, tenant, room, origin)
    target = existing or new_copy(emulator, event, origin, reminder=False)
    mirror(event, target)
    rules = room.processing or CalendarProcessing()
    organizer_name = event.props["organizer"]["emailAddress"]["name"]
    target.props["subject"] = _room_subject(
        rules, organizer_name, event.props["subject"]
    )
    for overrides in target.exceptions.values():
        if "subject" in overrides:
            overrides["subject"] = _room_subject(
                rules, organizer_name, overrides["subject"]
            )
    if rules.delete_comments:
        target.props["body"] = {"contentType": "html", "content": ""}
    target.props["isOrganizer"] = False
    target.props["showAs"] = "tentative" if response == "notResponded" else "busy"
    target.props["responseStatus"] = {
        "response": response,
        "time": iso(emulator.clock()),
    }
    emulator.save_event(
        tenant, room.id, target, "created" if existing is None else "updated"
    )


def answer(
    emulator: Emulator, tenant_id: str, organizer_id: str, event_id: str, room_id: str
) -> None:
    """The attendant's decision for one room on one organizer event."""
    from .meetings import find_copy, set_attendee_status

    tenant = emulator.tenants.get(tenant_id)
    event = emulator.mailbox(tenant, organizer_id).get(event_id) if tenant else None
    room = tenant.users.get(room_id) if tenant else None
    if tenant is None or event is None or room is None or room.processing is None:
        return
    origin = f"{organizer_id}/{event_id}"
    mode = room.processing.automate_processing.lower()
    if mode == "autoupdate":
        _write_copy(emulator, tenant, room, event, origin, "notResponded")
    if mode != "autoaccept":
        return
    accepted = decline_reason(emulator, tenant, room, event, origin) is None
    if accepted:
        _write_copy(emulator, tenant, room, event, origin, "accepted")
    elif (stale := find_copy(emulator, tenant, room, origin)) is not None:
        emulator.remove_event(tenant, room.id, stale.id)
    response = "accepted" if accepted else "declined"
    if set_attendee_status(event, room.addresses(), response, iso(emulator.clock())):
        emulator.save_event(tenant, organizer_id, event, "updated")
