"""Real subjects for rooms whose mailbox rewrites them.

Exchange's ``AddOrganizerToSubject`` / ``DeleteSubject`` (defaults for room
mailboxes) replace the room copy's subject with the organizer's name. Where the
tenant allows subjects (tenant setting ``showSubject``, default true) and
the organizer is in the tenant, the subject is taken from the organizer's own
copy, found by iCalUId in one calendarView of the organizer per page.

Invariants: private items are never looked up; a failed lookup (logged, never
fatal) maps the iCalUId to None: the booking keeps the subject it has, and only
a new row takes the room's rewritten one, so a 429 never overwrites a known
subject with the organizer's name; one lookup (a calendarView, all pages) per organizer per page, at most
``CONCURRENT_LOOKUPS`` at once.

Subjects found are cached by iCalUId with the time they were read (``SubjectCache``):
an entry serves a room copy only if it was read *after* that copy's last change
(so a renamed meeting is read again), which spares most lookups when many
rooms of one meeting, or one organizer's meetings, sync at once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

import anyio

from transom.domain.calendar import CalendarEvent, EventType
from transom.graph import GraphError, GraphTenantClient
from transom.sync.calendars.organizers import Organizers

log = logging.getLogger(__name__)
LOOKUP_TIMEOUT = 30.0
BULK = 3
CONCURRENT_LOOKUPS = 8


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


class SubjectCache:
    """iCalUId -> (subject, when it was read); bounded, oldest dropped first."""

    def __init__(self, size: int = 50_000) -> None:
        self._size = size
        self._entries: dict[str, tuple[str, datetime]] = {}
        self._locks: dict[str, anyio.Lock] = {}

    def lock(self, organizer: str) -> anyio.Lock:
        """One lookup per organizer at a time: the next one may hit the cache."""
        return self._locks.setdefault(organizer, anyio.Lock())

    def get(self, event: CalendarEvent) -> str | None:
        entry = self._entries.get(event.ical_uid or "")
        if entry is None or event.last_modified is None:
            return None
        subject, read_at = entry
        return subject if read_at >= event.last_modified else None

    def put(self, uid: str, subject: str, read_at: datetime) -> None:
        self._entries.pop(uid, None)
        self._entries[uid] = (subject, read_at)
        while len(self._entries) > self._size:
            del self._entries[next(iter(self._entries))]


async def fetch_real_subjects(
    graph: GraphTenantClient,
    events: Iterable[CalendarEvent],
    *,
    room_mailbox: str,
    organizers: Organizers,
    cache: SubjectCache | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> dict[str, str | None]:
    """iCalUId -> the organizer's subject (None: the lookup failed), for the
    events that need it.

    A page with many lookups (an initial import) reads each organizer's whole
    ``window`` once, filling the cache for the other rooms; a page with a few
    reads just the span of its events.
    """
    cache = cache or SubjectCache()
    wanted: dict[str, list[CalendarEvent]] = defaultdict(list)
    found: dict[str, str | None] = {}
    for event in events:
        if not needs_lookup(event, room_mailbox, organizers):
            continue
        assert event.organizer is not None
        assert event.ical_uid is not None
        cached = cache.get(event)
        if cached is not None:
            found[event.ical_uid] = cached
        else:
            wanted[event.organizer.address].append(event)
    bulk = window is not None and sum(map(len, wanted.values())) > BULK
    async with anyio.create_task_group() as tasks:
        gate = anyio.Semaphore(CONCURRENT_LOOKUPS)
        for organizer, items in wanted.items():
            span = window if bulk and window else _span(items)
            tasks.start_soon(_lookup, graph, organizer, items, span, cache, found, gate)
    return found


def _span(items: list[CalendarEvent]) -> tuple[datetime, datetime]:
    return min(e.start for e in items), max(e.end for e in items)


async def _lookup(
    graph: GraphTenantClient,
    organizer: str,
    items: list[CalendarEvent],
    span: tuple[datetime, datetime],
    cache: SubjectCache,
    found: dict[str, str | None],
    gate: anyio.Semaphore,
) -> None:
    async with cache.lock(organizer):
        missing = []
        for event in items:
            cached = cache.get(event)
            if cached is None:
                missing.append(event)
            else:
                found[str(event.ical_uid)] = cached
        if not missing:
            return
        uids = {e.ical_uid for e in missing}
        read_at = datetime.now(UTC)
        try:
            async with gate:
                with anyio.fail_after(LOOKUP_TIMEOUT):
                    copies = await graph.fetch_calendar_view(organizer, *span)
        except (GraphError, TimeoutError) as exc:
            log.info("no subject lookup in %s: %s", organizer, exc)
            found.update(dict.fromkeys(str(uid) for uid in uids))
            return
    for copy in copies:
        uid = copy.ical_uid
        if uid and copy.subject and not copy.is_private:
            cache.put(uid, copy.subject, read_at)
            if uid in uids:
                found[uid] = copy.subject
