"""Event writes in one mailbox: create, update, delete, respond, cancel.

The rules Graph applies on writes:

- ``transactionId`` dedupes creates per mailbox (the first event is returned);
- every write bumps ``changeKey``; a stale ``If-Match`` answers 412
  ``ErrorIrresolvableConflict``;
- PATCH/DELETE of an occurrence id makes an exception / cancels the occurrence
  on the master (both notify with the occurrence's id);
- a new start, end or recurrence resets attendee responses (Exchange sends a
  new request), and every organizer write is propagated to attendees
  (:mod:`.meetings`), where rooms answer through :mod:`.attendant`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from . import ids, meetings, timezones
from .errors import GraphError
from .event_input import NEVER, apply_payload, new_props, times
from .model import Event, Tenant, User
from .occurrences import Item, find_item
from .store import Emulator, iso

TIME_FIELDS = ("start", "end", "recurrence")


def organizer_of(user: User) -> dict[str, Any]:
    return {
        "emailAddress": {
            "name": user.display_name,
            "address": user.mail or user.user_principal_name,
        }
    }


def _existing_transaction(
    emulator: Emulator, tenant: Tenant, owner: User, transaction_id: str | None
) -> Event | None:
    if not transaction_id:
        return None
    for event in emulator.mailbox(tenant, owner.id).values():
        if event.transaction_id == transaction_id:
            return event
    return None


def create_event(
    emulator: Emulator, tenant: Tenant, owner: User, payload: dict[str, Any]
) -> tuple[Event, bool]:
    """A new event organised by ``owner``; ``(event, created)`` (False = deduped)."""
    existing = _existing_transaction(
        emulator, tenant, owner, payload.get("transactionId")
    )
    if existing is not None:
        return existing, False
    start, end = times(payload, None, None)
    props = new_props(payload, start["timeZone"])
    props.update(
        organizer=organizer_of(owner),
        isOrganizer=True,
        responseStatus={"response": "organizer", "time": NEVER},
    )
    event = Event(
        id=ids.event_id(emulator.rng),
        props=props,
        start=start,
        end=end,
        ical_uid=ids.ical_uid(emulator.rng),
        change_key="",
        created="",
        modified="",
        transaction_id=payload.get("transactionId") or None,
    )
    emulator.save_event(tenant, owner.id, event, "created")
    meetings.propagate(emulator, tenant, owner, event, previous=[])
    return event, True


def check_if_match(item: Item, if_match: str | None) -> None:
    if not if_match or if_match.strip() == "*":
        return
    wanted = if_match.strip().removeprefix("W/").strip('"')
    if wanted != item.change_key:
        raise GraphError(
            412,
            "ErrorIrresolvableConflict",
            "The send or update operation could not be performed because the change key "
            "passed in the request does not match the current change key for the item.",
        )


def _reset_responses(event: Event) -> None:
    for attendee in event.props["attendees"]:
        attendee["status"] = {"response": "none", "time": NEVER}


def _update_master(
    emulator: Emulator,
    tenant: Tenant,
    owner: User,
    event: Event,
    payload: dict[str, Any],
) -> None:
    previous = [dict(a) for a in event.props["attendees"]]
    event.start, event.end = times(payload, event.start, event.end)
    apply_payload(event.props, payload, event.start["timeZone"])
    if any(k in payload for k in TIME_FIELDS) and event.props.get("isOrganizer"):
        _reset_responses(event)
    if "recurrence" in payload:
        event.exceptions.clear()
        event.cancelled.clear()
    emulator.save_event(tenant, owner.id, event, "updated")
    if event.props.get("isOrganizer"):
        meetings.propagate(emulator, tenant, owner, event, previous=previous)


def _update_occurrence(
    emulator: Emulator, tenant: Tenant, owner: User, item: Item, payload: dict[str, Any]
) -> None:
    event, key = item.event, item.original_start or ""
    effective = dict(event.props) | event.exceptions.get(key, {})
    current_start = timezones.from_utc(item.start, event.start["timeZone"])
    current_end = timezones.from_utc(item.end, event.end["timeZone"])
    start, end = times(payload, current_start, current_end)
    changed = {
        k: v
        for k, v in payload.items()
        if k not in ("start", "end", "recurrence", "@odata.type")
    }
    apply_payload(effective, changed, start["timeZone"])
    overrides = {k: effective[k] for k in changed if k in effective}
    overrides = event.exceptions.get(key, {}) | overrides | {"start": start, "end": end}
    overrides["changeKey"] = ids.change_key(emulator.rng)
    overrides["lastModifiedDateTime"] = iso(emulator.clock())
    event.exceptions[key] = overrides
    emulator.save_event(tenant, owner.id, event, "updated", item_id=item.id)
    if event.props.get("isOrganizer"):
        meetings.propagate(
            emulator, tenant, owner, event, previous=event.props["attendees"]
        )


def update_item(
    emulator: Emulator,
    tenant: Tenant,
    owner: User,
    item: Item,
    payload: dict[str, Any],
    if_match: str | None,
) -> Item:
    """PATCH semantics for an event, series master or occurrence."""
    check_if_match(item, if_match)
    if item.original_start is None:
        _update_master(emulator, tenant, owner, item.event, payload)
    else:
        _update_occurrence(emulator, tenant, owner, item, payload)
    found = find_item(emulator.mailbox(tenant, owner.id), item.id)
    assert found is not None
    return found


def delete_item(emulator: Emulator, tenant: Tenant, owner: User, item: Item) -> None:
    """DELETE: remove an event (and its attendee copies) or cancel an occurrence."""
    event = item.event
    if item.original_start is None:
        emulator.remove_event(tenant, owner.id, event.id)
        if event.props.get("isOrganizer"):
            meetings.withdraw(emulator, tenant, owner, event)
        return
    event.exceptions.pop(item.original_start, None)
    event.cancelled.append(item.original_start)
    emulator.save_event(tenant, owner.id, event, "deleted", item_id=item.id)
    if event.props.get("isOrganizer"):
        meetings.propagate(
            emulator, tenant, owner, event, previous=event.props["attendees"]
        )


def cancel_item(emulator: Emulator, tenant: Tenant, owner: User, item: Item) -> None:
    """The organizer's ``cancel`` action: like DELETE, but organizers only."""
    if not item.event.props.get("isOrganizer"):
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. You need to be an organizer to cancel a meeting.",
        )
    delete_item(emulator, tenant, owner, item)


def respond(
    emulator: Emulator, tenant: Tenant, owner: User, item: Item, response: str
) -> None:
    """accept / tentativelyAccept / decline on an attendee's copy."""
    event = item.event
    if event.props.get("isOrganizer"):
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. You can't respond to this meeting because "
            "you're the meeting organizer.",
        )
    now = iso(datetime.now(UTC))
    event.props["responseStatus"] = {"response": response, "time": now}
    if response == "tentativelyAccepted":
        event.props["showAs"] = "tentative"
    if response == "declined":
        emulator.remove_event(tenant, owner.id, event.id)
    else:
        emulator.save_event(tenant, owner.id, event, "updated")
    meetings.record_response(emulator, tenant, owner, event, response, now)
