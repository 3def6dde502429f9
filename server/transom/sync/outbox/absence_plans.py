"""What one absence needs from Graph, as ``$batch`` items (no I/O here).

A :class:`Plan` is built from the absence, its person and the tenant's policy
when its outbox row runs:

- round 1: the event write (create / update / delete, ``domain.absences.write_for``)
  and, when automatic replies are to be scheduled and the person's own setting
  was not saved yet, a GET of their mailbox settings;
- round 2: the automatic-replies PATCH (schedule for the absence, or put back
  what was saved once the absence is over, rejected or deleted).

Creates carry ``transom-absence-<id>-<generation>`` as ``transactionId``: a
replayed create (crash after Graph answered, before we saved the id) returns
the first event, so an absence never gets two. The generation moves on after a
delete, so a re-approved absence gets a fresh event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transom.db import models
from transom.domain.absences import (
    AbsenceEvent,
    AbsencePolicy,
    SyncTarget,
    WriteAction,
    local_span,
    needs_replies,
    replies_due_to_end,
    reply_texts,
    wanted_event,
    write_for,
)
from transom.domain.calendar import (
    AutomaticReplies,
    AutoReplyStatus,
    EventChanges,
    EventDraft,
    ExternalAudience,
    Sensitivity,
    ShowAs,
)
from transom.graph import (
    BatchItem,
    batch_create_event,
    batch_delete_event,
    batch_update_automatic_replies,
    batch_update_event,
)
from transom.graph.directory import user_path
from transom.sync.commands.absences import facts_of

SCHEDULED = "SCHEDULED"
RESTORED = "RESTORED"


class RepliesStep:
    NONE = "NONE"
    SCHEDULE = "SCHEDULE"
    RESTORE = "RESTORE"


@dataclass
class Plan:
    """One absence's writes in this run, and what was decided."""

    absence_id: str
    mailbox: str
    wanted: AbsenceEvent | None
    action: WriteAction
    event_id: str | None
    transaction_id: str
    replies: str = RepliesStep.NONE
    fetch_saved: bool = False
    replies_setting: AutomaticReplies | None = None
    replies_end: datetime | None = None
    updated_at: datetime | None = None

    @property
    def event_item_id(self) -> str:
        return f"e-{self.absence_id}"

    @property
    def fetch_item_id(self) -> str:
        return f"g-{self.absence_id}"

    @property
    def replies_item_id(self) -> str:
        return f"r-{self.absence_id}"


def transaction_id_of(absence: models.Absence) -> str:
    return f"transom-absence-{absence.id}-{absence.sync_generation}"


def plan_for(
    absence: models.Absence,
    person: models.Person,
    policy: AbsencePolicy,
    *,
    time_zone: str,
    now: datetime,
) -> Plan:
    wanted = wanted_event(facts_of(absence), policy, person.display_name)
    plan = Plan(
        absence_id=absence.id,
        mailbox=person.primary_email,
        wanted=wanted,
        action=write_for(wanted, absence.graph_event_id),
        event_id=absence.graph_event_id,
        transaction_id=transaction_id_of(absence),
        updated_at=absence.updated_at,
    )
    _plan_replies(plan, absence, person, policy, time_zone=time_zone, now=now)
    return plan


def _plan_replies(
    plan: Plan,
    absence: models.Absence,
    person: models.Person,
    policy: AbsencePolicy,
    *,
    time_zone: str,
    now: datetime,
) -> None:
    start, end = local_span(facts_of(absence).span, time_zone)
    wanted = plan.wanted
    if needs_replies(policy, wanted) and not replies_due_to_end(end, now):
        texts = reply_texts(policy, person_name=person.display_name, end=end)
        plan.replies = RepliesStep.SCHEDULE
        plan.fetch_saved = absence.replies_saved is None
        plan.replies_end = end
        plan.replies_setting = AutomaticReplies(
            status=AutoReplyStatus.SCHEDULED,
            external_audience=ExternalAudience.ALL,
            scheduled_start=start,
            scheduled_end=end,
            internal_message=texts.internal,
            external_message=texts.external,
        )
    elif absence.replies_state == SCHEDULED:
        plan.replies = RepliesStep.RESTORE
        plan.replies_setting = replies_from_json(absence.replies_saved)


def event_items(plan: Plan, time_zone: str) -> list[BatchItem]:
    """Round 1: the event write and the GET of the person's current replies."""
    items: list[BatchItem] = []
    if plan.action is WriteAction.CREATE and plan.wanted is not None:
        draft = _draft(plan.wanted, time_zone)
        items.append(
            batch_create_event(
                plan.event_item_id, plan.mailbox, draft, plan.transaction_id
            )
        )
    elif plan.action is WriteAction.UPDATE and plan.wanted and plan.event_id:
        changes = _changes(plan.wanted, time_zone)
        items.append(
            batch_update_event(plan.event_item_id, plan.mailbox, plan.event_id, changes)
        )
    elif plan.action is WriteAction.DELETE and plan.event_id:
        items.append(
            batch_delete_event(plan.event_item_id, plan.mailbox, plan.event_id)
        )
    if plan.fetch_saved:
        items.append(
            BatchItem(
                plan.fetch_item_id,
                "GET",
                f"{user_path(plan.mailbox)}/mailboxSettings",
                mailbox=plan.mailbox,
            )
        )
    return items


def replies_item(plan: Plan) -> BatchItem | None:
    """Round 2: schedule the replies, or put the person's own back."""
    if plan.replies == RepliesStep.NONE or plan.replies_setting is None:
        return None
    return batch_update_automatic_replies(
        plan.replies_item_id, plan.mailbox, plan.replies_setting
    )


_SHOW_AS = {
    SyncTarget.OUT_OF_OFFICE: ShowAs.OOF,
    SyncTarget.WORKING_ELSEWHERE: ShowAs.WORKING_ELSEWHERE,
}


def _draft(wanted: AbsenceEvent, time_zone: str) -> EventDraft:
    return EventDraft(
        subject=wanted.subject,
        start=wanted.start,
        end=wanted.end,
        is_all_day=wanted.all_day,
        time_zone=time_zone if wanted.all_day else "UTC",
        show_as=_SHOW_AS[wanted.show_as],
        sensitivity=Sensitivity.PRIVATE if wanted.private else Sensitivity.NORMAL,
        reminder_minutes=None,
        response_requested=False,
    )


def _changes(wanted: AbsenceEvent, time_zone: str) -> EventChanges:
    return EventChanges(
        subject=wanted.subject,
        start=wanted.start,
        end=wanted.end,
        is_all_day=wanted.all_day,
        time_zone=time_zone if wanted.all_day else "UTC",
        show_as=_SHOW_AS[wanted.show_as],
        sensitivity=Sensitivity.PRIVATE if wanted.private else Sensitivity.NORMAL,
    )


def replies_to_json(setting: AutomaticReplies) -> dict[str, Any]:
    return {
        "status": setting.status.value,
        "externalAudience": setting.external_audience.value,
        "start": setting.scheduled_start.isoformat()
        if setting.scheduled_start
        else None,
        "end": setting.scheduled_end.isoformat() if setting.scheduled_end else None,
        "internal": setting.internal_message,
        "external": setting.external_message,
    }


def replies_from_json(data: dict[str, Any] | None) -> AutomaticReplies:
    """The saved setting; a person with nothing saved gets replies switched off."""
    if not data:
        return AutomaticReplies()
    start, end = data.get("start"), data.get("end")
    return AutomaticReplies(
        status=AutoReplyStatus(data.get("status") or AutoReplyStatus.DISABLED),
        external_audience=ExternalAudience(
            data.get("externalAudience") or ExternalAudience.ALL
        ),
        scheduled_start=datetime.fromisoformat(start) if start else None,
        scheduled_end=datetime.fromisoformat(end) if end else None,
        internal_message=str(data.get("internal") or ""),
        external_message=str(data.get("external") or ""),
    )
