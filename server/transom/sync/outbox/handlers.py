"""The Graph writes behind bookings: create, follow the room's answer, cancel.

``booking.create`` (payload ``{"route"}``, see ``domain.booking_requests``):

- ORGANIZER: the event goes into the organizer's calendar with the room as
  resource attendee (and location); Exchange's attendant answers later, so a
  ``booking.await_response`` follow-up reads the organizer's event until the
  room attendee has accepted (CONFIRMED) or declined (DECLINED).
- ROOM: the app writes straight into the room calendar, which skips Exchange's
  conflict check (graph-contract.md §5.3). So the room's calendar view is read
  first (taken → DECLINED "conflict"), and again after the create: when another
  overlapping event was created before ours, we lost a race and delete ours.
- RESOLVE: the directory was never imported; Graph says whether the organizer
  has a user mailbox (ORGANIZER) or not (ROOM).

Idempotency: creates send the row's ``transaction_id`` (Graph returns the same
event when a create is replayed after a crash), and a created event's id is
checkpointed before anything else, so a rerun never creates again.
``booking.cancel`` withdraws Transom's own booking (cancel the organizer's event,
or delete the room-calendar event) or declines an Outlook-made one in the room.
Extensions (``sync.outbox_extend``) and no-show releases (``sync.outbox_release``)
have their own modules; all handlers are registered in :data:`HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from transom.domain.booking_requests import BookingRoute, CancelAction
from transom.domain.bookings import BookingState
from transom.domain.calendar import (
    CalendarEvent,
    EmailAddress,
    EventDraft,
    ResponseKind,
    ShowAs,
)
from transom.domain.directory import MailboxPurpose
from transom.domain.outbox import OutboxKind
from transom.graph import MailboxAccessDeniedError, MailboxNotFoundError
from transom.sync.outbox.extend import await_extension, extend_booking
from transom.sync.outbox.jobs import (
    BookingUpdate,
    BookingView,
    FollowUp,
    Outcome,
    WriteJob,
)
from transom.sync.outbox.policy import MAX_POLLS, poll_delay
from transom.sync.outbox.release import release_booking

CONFLICT = "conflict"
ROOM_DECLINED = (
    "The room declined: it is taken then, or the booking breaks its rules "
    "(maximum duration, booking window)."
)
CANCEL_COMMENT = "Cancelled in Transom."

Handler = Callable[[WriteJob], Awaitable[Outcome]]


def _draft(booking: BookingView, *, direct: bool) -> EventDraft:
    booked_by = booking.organizer_name or booking.organizer_email
    body = f"Booked by {booked_by} through Transom." if direct and booked_by else ""
    return EventDraft(
        subject=booking.subject,
        start=booking.start,
        end=booking.end,
        room=EmailAddress(booking.room_email, booking.room_name),
        body=body,
    )


def _booking(job: WriteJob) -> BookingView:
    if job.booking is None:
        raise LookupError(f"outbox item {job.item_id} has no booking")
    return job.booking


async def create_booking(job: WriteJob) -> Outcome:
    booking = _booking(job)
    if _needs_no_create(job, booking):
        return Outcome(job.result | {"skipped": booking.state})
    route = BookingRoute(job.result.get("route") or job.payload["route"])
    if route is BookingRoute.RESOLVE:
        route = await _resolve(job, booking)
    if route is BookingRoute.ORGANIZER:
        try:
            return await _create_for_organizer(job, booking)
        except (MailboxNotFoundError, MailboxAccessDeniedError) as exc:
            if exc.mailbox and exc.mailbox.lower() == booking.room_email:
                raise
    return await _create_in_room(job, booking)


def _needs_no_create(job: WriteJob, booking: BookingView) -> bool:
    """Cancelled meanwhile, or already settled: nothing to write.

    A cancelled booking's create may already have reached Exchange (an attempt
    whose answer was lost): the cancel queued after it finds that event by the
    create's transaction id and withdraws it (``_withdraw_unrecorded``).
    """
    return booking.state != BookingState.PENDING


async def _resolve(job: WriteJob, booking: BookingView) -> BookingRoute:
    """Is the organizer a user with a mailbox in this tenant's directory?"""
    if not booking.organizer_email:
        return BookingRoute.ROOM
    try:
        mailbox = await job.graph.fetch_mailbox(booking.organizer_email)
    except (MailboxNotFoundError, MailboxAccessDeniedError):
        return BookingRoute.ROOM
    if mailbox.purpose is not MailboxPurpose.USER:
        return BookingRoute.ROOM
    return BookingRoute.ORGANIZER


async def _create_for_organizer(job: WriteJob, booking: BookingView) -> Outcome:
    organizer = str(booking.organizer_email)
    event_id = job.result.get("event_id")
    if event_id is None:
        event = await job.graph.create_event(
            organizer, _draft(booking, direct=False), job.transaction_id
        )
        event_id = event.id
        update = BookingUpdate(organizer_event_id=event.id, ical_uid=event.ical_uid)
        saved = {"route": "ORGANIZER", "mailbox": organizer, "event_id": event.id}
        await job.save(saved, update)
    follow_up = FollowUp(
        OutboxKind.AWAIT_ROOM_RESPONSE,
        {"mailbox": organizer, "event_id": event_id},
        poll_delay(1),
    )
    return Outcome(job.result, follow_up=follow_up)


async def _create_in_room(job: WriteJob, booking: BookingView) -> Outcome:
    room = booking.room_email
    event_id = job.result.get("event_id")
    if event_id is None:
        if await _rivals(job, booking, mine=None):
            return _declined(job, CONFLICT)
        event = await job.graph.create_event(
            room, _draft(booking, direct=True), job.transaction_id
        )
        update = BookingUpdate(graph_event_id=event.id, ical_uid=event.ical_uid)
        await job.save({"route": "ROOM", "event_id": event.id}, update)
        mine: CalendarEvent | None = event
    else:
        mine = await job.graph.fetch_event(room, str(event_id))
    if mine is None:
        return _declined(job, "the event was removed from the room calendar")
    if await _rivals(job, booking, mine=mine):
        await job.graph.delete_event(room, mine.id)
        return _declined(job, CONFLICT)
    return Outcome(job.result, BookingUpdate(state=BookingState.CONFIRMED.value))


def _declined(job: WriteJob, reason: str) -> Outcome:
    update = BookingUpdate(state=BookingState.DECLINED.value, decline_reason=reason)
    return Outcome(job.result | {"declined": reason}, update)


async def _rivals(
    job: WriteJob, booking: BookingView, *, mine: CalendarEvent | None
) -> list[CalendarEvent]:
    """Busy events in the room during the slot (before ``mine``, when given)."""
    found = await job.graph.fetch_calendar_view(
        booking.room_email, booking.start, booking.end
    )
    rivals = [
        e
        for e in found
        if not e.is_cancelled
        and e.show_as is not ShowAs.FREE
        and e.start < booking.end
        and booking.start < e.end
        and e.transaction_id != job.transaction_id
    ]
    if mine is None:
        return rivals
    return [e for e in rivals if e.id != mine.id and _earlier(e, mine)]


def _earlier(other: CalendarEvent, mine: CalendarEvent) -> bool:
    """Who keeps the slot when two direct writes raced: the first created."""
    if other.created is None or mine.created is None:
        return True
    return (other.created, other.id) < (mine.created, mine.id)


async def await_room_response(job: WriteJob) -> Outcome:
    booking = _booking(job)
    if booking.state != BookingState.PENDING:
        return Outcome(job.result | {"skipped": booking.state})
    event = await job.graph.fetch_event(job.payload["mailbox"], job.payload["event_id"])
    if event is None:
        update = BookingUpdate(
            state=BookingState.CANCELLED.value,
            decline_reason="the organizer's event was deleted",
        )
        return Outcome(job.result | {"gone": True}, update)
    attendee = event.attendee(booking.room_email)
    response = attendee.response if attendee else ResponseKind.NONE
    if response is ResponseKind.ACCEPTED:
        return Outcome(job.result, BookingUpdate(state=BookingState.CONFIRMED.value))
    if response is ResponseKind.DECLINED:
        return _declined(job, ROOM_DECLINED)
    polls = int(job.result.get("polls", 0)) + 1
    if polls >= MAX_POLLS:
        return Outcome(job.result | {"polls": polls, "unanswered": True})
    return Outcome(job.result | {"polls": polls}, again_after=poll_delay(polls + 1))


async def cancel_booking(job: WriteJob) -> Outcome:
    booking = _booking(job)
    if CancelAction(job.payload["action"]) is CancelAction.DECLINE_ROOM_EVENT:
        done = await _decline_in_room(job, booking)
    elif booking.organizer_event_id and booking.organizer_email:
        done = await _cancel_organizers(job, booking, booking.organizer_event_id)
    elif booking.graph_event_id:
        done = await job.graph.delete_event(booking.room_email, booking.graph_event_id)
    else:
        done = await _withdraw_unrecorded(job, booking)
    update = BookingUpdate(state=BookingState.CANCELLED.value)
    return Outcome(job.result | {"removed": done}, update)


async def _cancel_organizers(
    job: WriteJob, booking: BookingView, event_id: str
) -> bool:
    return await job.graph.cancel_event(
        str(booking.organizer_email), event_id, CANCEL_COMMENT
    )


async def _withdraw_unrecorded(job: WriteJob, booking: BookingView) -> bool:
    """The create this cancel superseded may have reached Exchange before Transom
    recorded the event's id (a lost answer, a crash): find the event by the
    create's transaction id in the calendars it could be in, and withdraw it."""
    transaction_id = job.payload.get("create_transaction_id")
    if not transaction_id:
        return False
    route = job.payload.get("route")
    if booking.organizer_email and route != BookingRoute.ROOM.value:
        event = await _by_transaction(job, booking.organizer_email, transaction_id)
        if event is not None:
            return await _cancel_organizers(job, booking, event.id)
    if route == BookingRoute.ORGANIZER.value:
        return False
    event = await _by_transaction(job, booking.room_email, transaction_id)
    if event is None:
        return False
    return await job.graph.delete_event(booking.room_email, event.id)


async def _by_transaction(
    job: WriteJob, mailbox: str, transaction_id: str
) -> CalendarEvent | None:
    booking = _booking(job)
    try:
        found = await job.graph.fetch_calendar_view(mailbox, booking.start, booking.end)
    except (MailboxNotFoundError, MailboxAccessDeniedError):
        return None
    return next((e for e in found if e.transaction_id == transaction_id), None)


async def _decline_in_room(job: WriteJob, booking: BookingView) -> bool:
    if not booking.graph_event_id:
        return False
    return await job.graph.decline_event(
        booking.room_email, booking.graph_event_id, CANCEL_COMMENT, send_response=True
    )


HANDLERS: dict[str, Handler] = {
    OutboxKind.CREATE_BOOKING.value: create_booking,
    OutboxKind.AWAIT_ROOM_RESPONSE.value: await_room_response,
    OutboxKind.CANCEL_BOOKING.value: cancel_booking,
    OutboxKind.EXTEND_BOOKING.value: extend_booking,
    OutboxKind.AWAIT_EXTENSION.value: await_extension,
    OutboxKind.RELEASE_BOOKING.value: release_booking,
}
