"""Real subjects for rooms whose mailbox rewrites them.

Exchange's ``AddOrganizerToSubject`` / ``DeleteSubject`` (defaults for room
mailboxes) replace the room copy's subject with the organizer's name. Where the
tenant allows subjects (tenant setting ``showSubject``, default true) and
the organizer is in the tenant, the subject is taken from the organizer's own
copy, found by iCalUId in one calendarView of the organizer per page.

Invariants: private items are never looked up; a failed lookup keeps the room's
subject (logged, never fatal); at most one request per organizer per page.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

import anyio

from transom.domain.calendar import CalendarEvent, EventType
from transom.graph import GraphError, GraphTenantClient
from transom.sync.organizers import Organizers

log = logging.getLogger(__name__)
LOOKUP_TIMEOUT = 30.0


def looks_rewritten(event: CalendarEvent) -> bool:
    """Empty, or the organizer's name (optionally followed by the subject)."""
    name = (event.organizer.name if event.organizer else "").strip().casefold()
    subject = event.subject.strip().casefold()
    return not subject or (bool(name) and (subject == name or subject.startswith(name)))


def needs_lookup(event: CalendarEvent, room_mailbox: str, known: Organizers) -> bool:
    organizer = event.organizer.address if event.organizer else ""
    return (
        known.show_subjects
        and event.type is not EventType.SERIES_MASTER
        and not event.is_private
        and bool(event.ical_uid)
        and organizer != room_mailbox.lower()
        and known.knows(organizer)
        and looks_rewritten(event)
    )


async def fetch_real_subjects(
    graph: GraphTenantClient,
    events: Iterable[CalendarEvent],
    *,
    room_mailbox: str,
    organizers: Organizers,
) -> dict[str, str]:
    """iCalUId -> the organizer's subject, for the events that need it."""
    wanted: dict[str, list[CalendarEvent]] = defaultdict(list)
    for event in events:
        if needs_lookup(event, room_mailbox, organizers):
            assert event.organizer is not None
            wanted[event.organizer.address].append(event)
    found: dict[str, str] = {}
    for organizer, items in wanted.items():
        uids = {e.ical_uid for e in items}
        start = min(e.start for e in items)
        end = max(e.end for e in items)
        try:
            with anyio.fail_after(LOOKUP_TIMEOUT):
                copies = await graph.fetch_calendar_view(organizer, start, end)
        except (GraphError, TimeoutError) as exc:
            log.info("no subject lookup in %s: %s", organizer, exc)
            continue
        for copy in copies:
            uid = copy.ical_uid
            if uid and uid in uids and copy.subject and not copy.is_private:
                found[uid] = copy.subject
    return found
