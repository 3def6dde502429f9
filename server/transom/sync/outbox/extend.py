"""The Graph writes behind ``extendBooking``: a meeting's end moved later.

``booking.extend`` (payload ``{"end", "previous_end"}``): the booking row already
holds the new end with ``extension_state`` PENDING (``sync.booking_writes``).

- Where the meeting lives decides who may move it. A meeting the room organizes
  (Transom wrote it straight into the room calendar) is PATCHed there. Any other
  meeting belongs to its organizer: the organizer's event is PATCHed (found by id,
  or by ``iCalUId`` for meetings made in Outlook) and Exchange's booking attendant
  answers for the room, which ``booking.await_extension`` polls for. An organizer
  outside the tenant cannot be changed: DECLINED ("extend it in Outlook").
- Before any PATCH the room's calendar is read for the added time; anything busy
  there → DECLINED "conflict" without touching Exchange. Direct room writes skip
  Exchange's own check (graph-contract.md §5.3), so the room route reads again
  after the PATCH and moves the end back if another event won the race.
- PATCHes carry ``If-Match`` with the change key just read; a 412 (someone
  changed the meeting in between) reads again and retries, at most
  ``PRECONDITION_RETRIES`` times. A meeting whose end was moved in Outlook
  meanwhile is not overwritten: DECLINED.
- A declined answer from the room (the attendant found a conflict or a broken
  rule) moves the organizer's end back, so the meeting keeps its room for the
  time it had; Exchange's attendant accepts that again.

Outcomes on the booking: CONFIRMED (end = new end), DECLINED (end = previous
end, ``extension_reason`` says why); a write that fails for good becomes FAILED
in ``outbox_settle``. Reruns are idempotent: an event already ending at the new
end is not PATCHed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from transom.domain.calendar import CalendarEvent, EventChanges, ResponseKind, ShowAs
from transom.domain.displays import ExtensionState
from transom.domain.outbox import OutboxKind
from transom.graph import GraphRequestError, MailboxNotFoundError
from transom.sync.outbox.jobs import (
    BookingUpdate,
    BookingView,
    FollowUp,
    Outcome,
)
from transom.sync.outbox.jobs import WriteJob as Job
from transom.sync.outbox.policy import MAX_POLLS, poll_delay

PRECONDITION_RETRIES = 3
CONFLICT = "conflict: the room is booked in the added time"
ROOM_DECLINED = "the room declined the longer meeting (taken, or against its rules)"
ASK_ORGANIZER = "only its organizer can change this meeting: extend it in Outlook"
MOVED = "the meeting was changed in Outlook meanwhile"
GONE = "the meeting is no longer in Exchange"
UNANSWERED = "the room has not answered; Outlook shows its answer"


@dataclass(frozen=True)
class Target:
    """The event to PATCH and whether the room's attendant answers afterwards."""

    mailbox: str
    event: CalendarEvent
    awaits_room: bool


def _times(job: Job) -> tuple[datetime, datetime]:
    return (
        datetime.fromisoformat(job.payload["end"]),
        datetime.fromisoformat(job.payload["previous_end"]),
    )


def _booking(job: Job) -> BookingView:
    if job.booking is None:
        raise LookupError(f"outbox item {job.item_id} has no booking")
    return job.booking


def _answer(
    job: Job, state: ExtensionState, end: datetime, reason: str = ""
) -> Outcome:
    update = BookingUpdate(
        end=end, extension_state=state.value, extension_reason=reason or None
    )
    return Outcome(job.result | {"extension": state.value}, update)


def _superseded(job: Job) -> Outcome | None:
    """A skip when this extension is no longer the booking's pending one."""
    booking = _booking(job)
    end, _ = _times(job)
    if (
        booking.extension_state != ExtensionState.PENDING
        or booking.extension_end != end
    ):
        return Outcome(job.result | {"skipped": booking.extension_state})
    return None


async def extend_booking(job: Job) -> Outcome:
    if (skipped := _superseded(job)) is not None:
        return skipped
    booking = _booking(job)
    end, previous = _times(job)
    if job.result.get("patched"):
        return _await(job)
    found = await _target(job, booking)
    if isinstance(found, str):
        return _answer(job, ExtensionState.DECLINED, previous, found)
    if found.event.end != end and await _rivals(job, booking, previous, end):
        return _answer(job, ExtensionState.DECLINED, previous, CONFLICT)
    moved = await _move_end(job, found, expected=previous, end=end)
    if moved is not None:
        return _answer(job, ExtensionState.DECLINED, previous, moved)
    if found.awaits_room:
        saved = {"patched": True, "mailbox": found.mailbox, "event_id": found.event.id}
        await job.save(job.result | saved, None)
        return _await(job)
    if await _rivals(job, booking, previous, end, mine=found.event.id):
        await _move_end(job, found, expected=end, end=previous)
        return _answer(job, ExtensionState.DECLINED, previous, CONFLICT)
    return _answer(job, ExtensionState.CONFIRMED, end)


def _await(job: Job) -> Outcome:
    payload = {k: job.payload[k] for k in ("end", "previous_end")}
    payload |= {"mailbox": job.result["mailbox"], "event_id": job.result["event_id"]}
    follow_up = FollowUp(OutboxKind.AWAIT_EXTENSION, payload, poll_delay(1))
    return Outcome(job.result, follow_up=follow_up)


async def _target(job: Job, booking: BookingView) -> Target | str:
    """The event to move, or why the extension cannot reach Exchange."""
    if booking.organizer_event_id and booking.organizer_email:
        event = await job.graph.fetch_event(
            booking.organizer_email, booking.organizer_event_id
        )
        return Target(booking.organizer_email, event, True) if event else GONE
    if not booking.graph_event_id:
        return GONE
    copy = await job.graph.fetch_event(booking.room_email, booking.graph_event_id)
    if copy is None:
        return GONE
    if copy.is_organizer:
        return Target(booking.room_email, copy, False)
    organizer = copy.organizer.address if copy.organizer else booking.organizer_email
    if not organizer or not copy.ical_uid:
        return ASK_ORGANIZER
    try:
        mine = await job.graph.fetch_calendar_view(organizer, copy.start, copy.end)
    except MailboxNotFoundError:
        return ASK_ORGANIZER
    event = next((e for e in mine if e.ical_uid == copy.ical_uid), None)
    return Target(organizer, event, True) if event else ASK_ORGANIZER


async def _rivals(
    job: Job,
    booking: BookingView,
    start: datetime,
    end: datetime,
    *,
    mine: str | None = None,
) -> list[CalendarEvent]:
    """Busy events in the room between ``start`` and ``end``, other than ours."""
    ours = {booking.graph_event_id, mine} - {None}
    found = await job.graph.fetch_calendar_view(booking.room_email, start, end)
    return [
        e
        for e in found
        if not e.is_cancelled
        and e.show_as is not ShowAs.FREE
        and e.start < end
        and start < e.end
        and e.id not in ours
        and not (booking.ical_uid and e.ical_uid == booking.ical_uid)
    ]


async def _move_end(
    job: Job, target: Target, *, expected: datetime, end: datetime
) -> str | None:
    """PATCH the end from ``expected`` to ``end`` (If-Match); None when done,
    else why not. Already at ``end``: nothing to do (a rerun)."""
    event = target.event
    for _attempt in range(PRECONDITION_RETRIES):
        if event.end == end:
            return None
        if event.end != expected:
            return MOVED
        changes = EventChanges(start=event.start, end=end)
        try:
            await job.graph.update_event(
                target.mailbox, event.id, changes, if_change_key=event.change_key
            )
        except GraphRequestError as exc:
            if exc.status != 412:
                raise
            fresh = await job.graph.fetch_event(target.mailbox, event.id)
            if fresh is None:
                return GONE
            event = fresh
            continue
        return None
    return MOVED


async def await_extension(job: Job) -> Outcome:
    """Poll the organizer's event until the room has answered the new end."""
    if (skipped := _superseded(job)) is not None:
        return skipped
    booking = _booking(job)
    end, previous = _times(job)
    mailbox, event_id = job.payload["mailbox"], job.payload["event_id"]
    event = await job.graph.fetch_event(mailbox, event_id)
    if event is None:
        return _answer(job, ExtensionState.FAILED, previous, GONE)
    attendee = event.attendee(booking.room_email)
    response = attendee.response if attendee else ResponseKind.NONE
    if response is ResponseKind.ACCEPTED:
        return _answer(job, ExtensionState.CONFIRMED, end)
    if response is ResponseKind.DECLINED:
        target = Target(mailbox, event, True)
        await _move_end(job, target, expected=end, end=previous)
        return _answer(job, ExtensionState.DECLINED, previous, ROOM_DECLINED)
    polls = int(job.result.get("polls", 0)) + 1
    if polls >= MAX_POLLS:
        return _answer(job, ExtensionState.FAILED, end, UNANSWERED)
    return Outcome(job.result | {"polls": polls}, again_after=poll_delay(polls + 1))
