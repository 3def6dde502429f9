"""Absences for HR systems: register, edit, approve, reject, delete, bulk import.

Each mutation answers at once; the Outlook write runs in the background through
the outbox (``sync.absence_commands`` → ``sync.absence_writes``), so the
absence's ``syncState`` moves from PENDING to SYNCED (or HELD / FAILED) moments
later. ``personEmail`` matches a person's primary address or any alias.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from transom.api.context import Info
from transom.api.people import Absence
from transom.db import absences as absence_repo
from transom.db import models
from transom.db import people as people_repo
from transom.db import tenants as tenant_repo
from transom.domain.absences import (
    Approval,
    check_external_id,
    check_note,
    check_span,
    normalize_kind,
)
from transom.domain.access import Viewer
from transom.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    TransomError,
)
from transom.sync.commands.absences import (
    AbsenceValues,
    announce,
    delete_absence,
    register_absence,
    set_approval,
    update_absence,
)

MAX_IMPORT = 1000


@strawberry.input(description="An absence as an HR system registers it.")
class RegisterAbsenceInput:
    person_email: str = strawberry.field(
        description="The person's primary email address or any of their aliases."
    )
    kind: str = strawberry.field(
        description="VACATION, OTHER_VACATION, SICK, CHILD_SICK, TIME_OFF_IN_LIEU, "
        "OTHER_LEAVE, WORKING_FROM_HOME, TRAVEL, COURSE, EXTERNAL_ACTIVITY, DRIVING, "
        "OVERTIME, TIME_REGISTRATION, FLEX_TIME, PUBLIC_HOLIDAY, or a custom kind "
        "(letters, digits, underscores; at most 64 characters)."
    )
    start: datetime = strawberry.field(description="With a UTC offset.")
    end: datetime = strawberry.field(
        description="After start, at most 366 days later. For all-day absences the "
        "day after the last day (an end on the start's date means that one day)."
    )
    all_day: bool = strawberry.field(
        default=False,
        description="Whole dates: start and end are taken as dates (end exclusive).",
    )
    approved: bool = strawberry.field(
        default=False, description="Only approved absences go to Outlook."
    )
    external_id: str | None = strawberry.field(
        default=None,
        description="The HR system's id (1 to 200 characters), unique per tenant.",
    )
    note: str | None = strawberry.field(
        default=None, description="Kept in Transom only; at most 2,000 characters."
    )


@strawberry.input(description="Changes to an absence; omitted fields stay.")
class UpdateAbsenceInput:
    person_email: str | None = strawberry.field(
        default=None,
        description="Move the absence to the person with this address or alias.",
    )
    kind: str | None = strawberry.field(
        default=None,
        description="A known kind or a custom one (see RegisterAbsenceInput.kind).",
    )
    start: datetime | None = strawberry.field(
        default=None, description="New start, with a UTC offset."
    )
    end: datetime | None = strawberry.field(
        default=None, description="New end: after start, at most 366 days later."
    )
    all_day: bool | None = strawberry.field(
        default=None, description="Whole dates or not."
    )
    note: str | None = strawberry.field(
        default=None, description="Kept in Transom only; at most 2,000 characters."
    )


@strawberry.type(description="One absence of an import that was refused.")
class AbsenceImportError:
    index: int = strawberry.field(description="Position in the input list (0-based).")
    external_id: str | None = strawberry.field(
        description="The refused absence's externalId, if it had one."
    )
    field: str | None = strawberry.field(description="The input field to fix.")
    message: str = strawberry.field(description="What is wrong, in plain words.")


@strawberry.type(description="What an import did.")
class AbsenceImportResult:
    created: int = strawberry.field(description="Absences created.")
    updated: int = strawberry.field(description="Absences changed.")
    unchanged: int = strawberry.field(description="Absences already as given.")
    errors: list[AbsenceImportError] = strawberry.field(
        description="The refused absences; the others were saved."
    )


@strawberry.type(description="A deleted absence.")
class DeletedAbsence:
    id: strawberry.ID = strawberry.field(description="The deleted absence's id.")


@strawberry.type
class AbsenceMutations:
    @strawberry.mutation(
        description="Register an absence. Approved absences whose kind the tenant "
        "syncs appear in the person's Outlook calendar moments later."
    )
    async def register_absence(
        self,
        info: Info,
        input: RegisterAbsenceInput,
        tenant_id: strawberry.ID | None = None,
    ) -> Absence | None:
        viewer = await _admin(info)
        async with info.context.db() as session:
            tenant = await _tenant(session, viewer, tenant_id)
            person = await _person(session, tenant.id, input.person_email)
            values = _values(input)
            if values.external_id is not None:
                known = await absence_repo.find_by_external_id(
                    session, tenant_id=tenant.id, external_id=values.external_id
                )
                if known is not None and known.deleted_at is None:
                    raise ConflictError(
                        f"an absence with externalId {values.external_id!r} exists "
                        "already: change it with updateAbsence or importAbsences"
                    )
            else:
                known = None
            absence = register_absence(
                session,
                tenant=tenant,
                person=person,
                values=values,
                now=info.context.now,
                existing=known,
            )
            await session.commit()
        await announce(
            info.context.services.bus,
            tenant_id=tenant.id,
            queued=True,
            person_ids=[person.id],
        )
        return Absence.from_model(absence)

    @strawberry.mutation(description="Change an absence; Outlook follows.")
    async def update_absence(
        self, info: Info, id: strawberry.ID, input: UpdateAbsenceInput
    ) -> Absence | None:
        viewer = await _admin(info)
        async with info.context.db() as session:
            absence, tenant = await _absence(session, viewer, id)
            person_id = before = absence.person_id
            if input.person_email is not None:
                person_id = (await _person(session, tenant.id, input.person_email)).id
            update_absence(
                session,
                tenant=tenant,
                absence=absence,
                values=_changed_values(absence, input),
                now=info.context.now,
                person_id=person_id,
            )
            await session.commit()
        await announce(
            info.context.services.bus,
            tenant_id=tenant.id,
            queued=True,
            person_ids=[before, person_id],
        )
        return Absence.from_model(absence)

    @strawberry.mutation(description="Approve an absence: it goes to Outlook.")
    async def approve_absence(self, info: Info, id: strawberry.ID) -> Absence | None:
        return await _decide(info, id, Approval.APPROVED)

    @strawberry.mutation(
        description="Reject an absence: its Outlook event, if any, is removed."
    )
    async def reject_absence(self, info: Info, id: strawberry.ID) -> Absence | None:
        return await _decide(info, id, Approval.REJECTED)

    @strawberry.mutation(
        description="Delete an absence: its Outlook event is removed and automatic "
        "replies are put back as they were."
    )
    async def delete_absence(
        self, info: Info, id: strawberry.ID
    ) -> DeletedAbsence | None:
        viewer = await _admin(info)
        async with info.context.db() as session:
            absence, tenant = await _absence(session, viewer, id)
            delete_absence(
                session, tenant=tenant, absence=absence, now=info.context.now
            )
            await session.commit()
        await announce(
            info.context.services.bus,
            tenant_id=tenant.id,
            queued=True,
            person_ids=[absence.person_id],
        )
        return DeletedAbsence(id=strawberry.ID(absence.id))

    @strawberry.mutation(
        description=f"Create or update up to {MAX_IMPORT} absences by externalId "
        "(required for each). Running the same import twice changes nothing. "
        "Refused entries are listed in `errors`; the others are saved."
    )
    async def import_absences(
        self,
        info: Info,
        absences: list[RegisterAbsenceInput],
        tenant_id: strawberry.ID | None = None,
    ) -> AbsenceImportResult | None:
        viewer = await _admin(info)
        if len(absences) > MAX_IMPORT:
            raise InvalidInputError(
                f"import at most {MAX_IMPORT} absences per call", field="absences"
            )
        async with info.context.db() as session:
            tenant = await _tenant(session, viewer, tenant_id)
            result = await _import(session, tenant, absences, info.context.now)
            await session.commit()
        await announce(info.context.services.bus, tenant_id=tenant.id, queued=True)
        return result


async def _admin(info: Info) -> Viewer:
    viewer = await info.context.viewer()
    viewer.require_admin()
    return viewer


async def _tenant(
    session: AsyncSession, viewer: Viewer, tenant_id: str | None
) -> models.Tenant:
    wanted = tenant_id or viewer.tenant_id
    if wanted is None:
        raise InvalidInputError("a superadmin names the tenantId", field="tenantId")
    viewer.check_tenant(wanted, "Tenant", wanted)
    tenant = await tenant_repo.get_tenant(session, tenant_id=wanted)
    if tenant is None:
        raise NotFoundError.of("Tenant", wanted)
    return tenant


async def _person(session: AsyncSession, tenant_id: str, address: str) -> models.Person:
    person = await people_repo.find_person_by_address(
        session, tenant_id=tenant_id, address=address.strip()
    )
    if person is None:
        raise InvalidInputError(
            f"nobody in the directory has the address {address!r} (primary or "
            "alias); import the directory with syncPeople first",
            field="personEmail",
        )
    return person


async def _absence(
    session: AsyncSession, viewer: Viewer, absence_id: str
) -> tuple[models.Absence, models.Tenant]:
    absence = await absence_repo.get_absence(
        session, absence_id=absence_id, tenant_id=None
    )
    if absence is None:
        raise NotFoundError.of("Absence", absence_id)
    viewer.check_tenant(absence.tenant_id, "Absence", absence_id)
    tenant = await tenant_repo.get_tenant(session, tenant_id=absence.tenant_id)
    assert tenant is not None
    return absence, tenant


async def _decide(info: Info, absence_id: str, approval: Approval) -> Absence:
    viewer = await _admin(info)
    async with info.context.db() as session:
        absence, tenant = await _absence(session, viewer, absence_id)
        set_approval(
            session,
            tenant=tenant,
            absence=absence,
            approval=approval,
            now=info.context.now,
        )
        await session.commit()
    await announce(
        info.context.services.bus,
        tenant_id=tenant.id,
        queued=True,
        person_ids=[absence.person_id],
    )
    return Absence.from_model(absence)


def _values(input: RegisterAbsenceInput) -> AbsenceValues:
    return AbsenceValues(
        kind=normalize_kind(input.kind),
        span=check_span(input.start, input.end, all_day=input.all_day),
        approval=Approval.APPROVED if input.approved else Approval.PENDING,
        external_id=check_external_id(input.external_id),
        note=check_note(input.note),
    )


def _changed_values(
    absence: models.Absence, input: UpdateAbsenceInput
) -> AbsenceValues:
    all_day = absence.all_day if input.all_day is None else input.all_day
    return AbsenceValues(
        kind=absence.kind if input.kind is None else normalize_kind(input.kind),
        span=check_span(
            input.start or absence.start, input.end or absence.end, all_day=all_day
        ),
        approval=Approval(absence.approval),
        external_id=absence.external_id,
        note=absence.note if input.note is None else check_note(input.note),
    )


async def _import(
    session: AsyncSession,
    tenant: models.Tenant,
    entries: list[RegisterAbsenceInput],
    now: datetime,
) -> AbsenceImportResult:
    ids = [e.external_id.strip() for e in entries if e.external_id]
    known = await absence_repo.by_external_ids(
        session, tenant_id=tenant.id, external_ids=ids
    )
    result = AbsenceImportResult(created=0, updated=0, unchanged=0, errors=[])
    for index, entry in enumerate(entries):
        try:
            await _import_one(session, tenant, entry, known, result, now)
        except TransomError as exc:
            result.errors.append(
                AbsenceImportError(
                    index=index,
                    external_id=entry.external_id,
                    field=getattr(exc, "field", None),
                    message=exc.message,
                )
            )
    return result


async def _import_one(
    session: AsyncSession,
    tenant: models.Tenant,
    entry: RegisterAbsenceInput,
    known: dict[str, models.Absence],
    result: AbsenceImportResult,
    now: datetime,
) -> None:
    if not entry.external_id:
        raise InvalidInputError("an import needs an externalId", field="externalId")
    values = _values(entry)
    person = await _person(session, tenant.id, entry.person_email)
    existing = known.get(values.external_id or "")
    if existing is None or existing.deleted_at is not None:
        known[values.external_id or ""] = register_absence(
            session,
            tenant=tenant,
            person=person,
            values=values,
            now=now,
            existing=existing,
        )
        result.created += 1
        return
    if update_absence(
        session,
        tenant=tenant,
        absence=existing,
        values=values,
        now=now,
        person_id=person.id,
    ):
        result.updated += 1
    else:
        result.unchanged += 1
