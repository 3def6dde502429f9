"""The commands the API calls for absences: domain change + outbox row, one transaction.

Each command changes the absence and, when Outlook must change too, enqueues an
``absence.sync`` outbox row in the caller's session; the caller commits and then
calls :func:`announce` to wake the writer (``sync.absence_writes``). Nothing here
talks to Graph. The row carries no payload: the writer reads the absence as it
is when the row runs, so several quick edits end in one write.

Sync state right after a command (``domain.absences.SyncState``)::

    kind never synced by policy, or nothing in Outlook to add/remove -> NOT_SYNCED
    otherwise                                                        -> PENDING
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.db import outbox as outbox_repo
from transom.domain.absences import (
    POLICY_SETTING,
    AbsenceFacts,
    AbsencePolicy,
    AbsenceSpan,
    Approval,
    SyncState,
    state_after_change,
    wanted_event,
)
from transom.domain.errors import ConflictError
from transom.domain.outbox import OutboxKind
from transom.pubsub import OUTBOX_CHANNEL, Bus, person_channel, tenant_channel

IN_FLIGHT = (SyncState.PENDING.value, SyncState.HELD.value)


@dataclass(frozen=True)
class AbsenceValues:
    """Validated values of a registration or an edit."""

    kind: str
    span: AbsenceSpan
    approval: Approval
    external_id: str | None
    note: str | None


def policy_of(tenant: models.Tenant) -> AbsencePolicy:
    return AbsencePolicy.from_stored((tenant.settings or {}).get(POLICY_SETTING))


def facts_of(absence: models.Absence) -> AbsenceFacts:
    return AbsenceFacts(
        kind=absence.kind,
        approval=Approval(absence.approval),
        span=AbsenceSpan(absence.start, absence.end, absence.all_day),
        deleted=absence.deleted_at is not None,
    )


def register_absence(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    person: models.Person,
    values: AbsenceValues,
    now: datetime,
    existing: models.Absence | None = None,
) -> models.Absence:
    """A new absence (or a deleted one with the same externalId, revived)."""
    absence = existing or models.Absence(
        tenant_id=tenant.id, graph_event_id=None, sync_generation=0, created_at=now
    )
    absence.person_id = person.id
    absence.deleted_at = None
    _assign(absence, values, now)
    if existing is None:
        session.add(absence)
    schedule_sync(session, tenant=tenant, absence=absence, now=now)
    return absence


def update_absence(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    absence: models.Absence,
    values: AbsenceValues,
    now: datetime,
    person_id: str | None = None,
) -> bool:
    """Apply an edit (and a move to ``person_id``); False when nothing changed."""
    before = _snapshot(absence)
    _assign(absence, values, now)
    if person_id is not None and person_id != absence.person_id:
        if absence.graph_event_id:
            raise ConflictError(
                "this absence is in the person's Outlook calendar already: delete "
                "it and register it for the other person"
            )
        absence.person_id = person_id
    if _snapshot(absence) == before:
        return False
    schedule_sync(session, tenant=tenant, absence=absence, now=now)
    return True


def set_approval(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    absence: models.Absence,
    approval: Approval,
    now: datetime,
) -> None:
    if absence.approval == approval.value:
        return
    absence.approval = approval.value
    absence.updated_at = now
    schedule_sync(session, tenant=tenant, absence=absence, now=now)


def delete_absence(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    absence: models.Absence,
    now: datetime,
) -> None:
    """Hidden at once; the row stays until its Outlook event is removed."""
    absence.deleted_at = now
    absence.updated_at = now
    schedule_sync(session, tenant=tenant, absence=absence, now=now)


def schedule_sync(
    session: AsyncSession,
    *,
    tenant: models.Tenant,
    absence: models.Absence,
    now: datetime,
) -> bool:
    """Set the state and enqueue a write when Outlook must change; True if queued."""
    wanted = wanted_event(facts_of(absence), policy_of(tenant), "")
    in_outlook = (
        bool(absence.graph_event_id)
        or absence.replies_state == "SCHEDULED"
        or absence.sync_state in IN_FLIGHT  # an earlier write may be under way
    )
    state = state_after_change(wanted, in_outlook)
    absence.sync_state = state.value
    _clear_error(absence)
    if state is SyncState.NOT_SYNCED:
        return False
    if absence.id is None:
        absence.id = models.new_id()
    outbox_repo.enqueue(
        session,
        tenant_id=tenant.id,
        kind=OutboxKind.SYNC_ABSENCE,
        payload={},
        now=now,
        absence_id=absence.id,
    )
    return True


def _assign(absence: models.Absence, values: AbsenceValues, now: datetime) -> None:
    absence.kind = values.kind
    absence.start = values.span.start
    absence.end = values.span.end
    absence.all_day = values.span.all_day
    absence.approval = values.approval.value
    absence.external_id = values.external_id
    absence.note = values.note
    absence.updated_at = now


def _snapshot(absence: models.Absence) -> tuple[object, ...]:
    return (
        absence.kind,
        absence.start,
        absence.end,
        absence.all_day,
        absence.approval,
        absence.external_id,
        absence.note,
        absence.person_id,
    )


def _clear_error(absence: models.Absence) -> None:
    absence.last_error = None
    absence.sync_code = None
    absence.sync_hint = None


async def announce(
    bus: Bus, *, tenant_id: str, queued: bool, person_ids: Iterable[str] = ()
) -> None:
    """After commit: subscribers reload (the people's availability too, for
    those whose availability follows their absences); the writer looks for work."""
    await bus.publish(tenant_channel(tenant_id), {"type": "absence"})
    for person_id in dict.fromkeys(person_ids):
        await bus.publish(
            person_channel(person_id), {"type": "absence", "personId": person_id}
        )
    if queued:
        await bus.publish(OUTBOX_CHANNEL, {"type": "outbox"})
