"""Absences for HR systems: register, edit, approve, reject, delete, bulk import.

Each mutation answers at once; the Outlook write runs in the background through
the outbox (``sync.absence_commands`` → ``sync.absence_writes``), so the
absence's ``syncState`` moves from PENDING to SYNCED (or HELD / FAILED) moments
later. ``personEmail`` matches a person's primary address or any alias.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from transom.api.context import Info
from transom.api.payloads import Payload, UserErrors, user_error
from transom.api.people.types import Absence
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


@strawberry.type(
    description="What importAbsences answers: what the import did. Each refused "
    'entry is a userError whose field starts with ["absences", "<index>"]; the '
    "other entries were saved."
)
class ImportAbsencesPayload(Payload):
    created: int | None = strawberry.field(
        default=None, description="Absences created; null when refused as a whole."
    )
    updated: int | None = strawberry.field(
        default=None, description="Absences changed; null when refused as a whole."
    )
    unchanged: int | None = strawberry.field(
        default=None,
        description="Absences already as imported; null when refused as a whole.",
    )


@strawberry.type(description="What deleteAbsence answers.")
class DeleteAbsencePayload(Payload):
    deleted_absence_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the deleted absence; null when refused."
    )


@strawberry.type(description="What registerAbsence answers.")
class RegisterAbsencePayload(Payload):
    absence: Absence | None = strawberry.field(
        default=None, description="The new absence; null when refused."
    )


@strawberry.type(description="What updateAbsence answers.")
class UpdateAbsencePayload(Payload):
    absence: Absence | None = strawberry.field(
        default=None, description="The absence as saved; null when refused."
    )


@strawberry.type(description="What approveAbsence answers.")
class ApproveAbsencePayload(Payload):
    absence: Absence | None = strawberry.field(
        default=None, description="The approved absence; null when refused."
    )


@strawberry.type(description="What rejectAbsence answers.")
class RejectAbsencePayload(Payload):
    absence: Absence | None = strawberry.field(
        default=None, description="The rejected absence; null when refused."
    )


@strawberry.type
class AbsenceMutations:
    @strawberry.mutation(
        description="Register an absence. Approved absences whose kind the tenant "
        "syncs appear in the person's Outlook calendar moments later."
    )
    async def register_absence(
        self,
        info: Info,
        input: Annotated[
            RegisterAbsenceInput, strawberry.argument(description="The absence.")
        ],
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The tenant (superadmins only; others: their own)."
            ),
        ] = None,
    ) -> RegisterAbsencePayload | None:
        with UserErrors(info) as errors:
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
            return RegisterAbsencePayload(absence=Absence.from_model(absence))
        return errors.payload(RegisterAbsencePayload)

    @strawberry.mutation(description="Change an absence; Outlook follows.")
    async def update_absence(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The absence to change.")
        ],
        input: Annotated[
            UpdateAbsenceInput,
            strawberry.argument(description="The fields to change; omitted ones stay."),
        ],
    ) -> UpdateAbsencePayload | None:
        with UserErrors(info) as errors:
            viewer = await _admin(info)
            async with info.context.db() as session:
                absence, tenant = await _absence(session, viewer, id)
                person_id = before = absence.person_id
                if input.person_email is not None:
                    person_id = (
                        await _person(session, tenant.id, input.person_email)
                    ).id
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
            return UpdateAbsencePayload(absence=Absence.from_model(absence))
        return errors.payload(UpdateAbsencePayload)

    @strawberry.mutation(description="Approve an absence: it goes to Outlook.")
    async def approve_absence(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The absence to approve.")
        ],
    ) -> ApproveAbsencePayload | None:
        with UserErrors(info) as errors:
            return ApproveAbsencePayload(
                absence=await _decide(info, id, Approval.APPROVED)
            )
        return errors.payload(ApproveAbsencePayload)

    @strawberry.mutation(
        description="Reject an absence: its Outlook event, if any, is removed."
    )
    async def reject_absence(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The absence to reject.")
        ],
    ) -> RejectAbsencePayload | None:
        with UserErrors(info) as errors:
            return RejectAbsencePayload(
                absence=await _decide(info, id, Approval.REJECTED)
            )
        return errors.payload(RejectAbsencePayload)

    @strawberry.mutation(
        description="Delete an absence: its Outlook event is removed and automatic "
        "replies are put back as they were."
    )
    async def delete_absence(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The absence to delete.")
        ],
    ) -> DeleteAbsencePayload | None:
        with UserErrors(info) as errors:
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
            return DeleteAbsencePayload(deleted_absence_id=strawberry.ID(absence.id))
        return errors.payload(DeleteAbsencePayload)

    @strawberry.mutation(
        description=f"Create or update up to {MAX_IMPORT} absences by externalId "
        "(required for each). Running the same import twice changes nothing. "
        "Refused entries are listed in `userErrors`; the others are saved."
    )
    async def import_absences(
        self,
        info: Info,
        absences: Annotated[
            list[RegisterAbsenceInput],
            strawberry.argument(
                description="Up to 1,000 absences, each with its externalId."
            ),
        ],
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The tenant (superadmins only; others: their own)."
            ),
        ] = None,
    ) -> ImportAbsencesPayload | None:
        with UserErrors(info) as errors:
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
        return errors.payload(ImportAbsencesPayload)


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
) -> ImportAbsencesPayload:
    ids = [e.external_id.strip() for e in entries if e.external_id]
    known = await absence_repo.by_external_ids(
        session, tenant_id=tenant.id, external_ids=ids
    )
    result = ImportAbsencesPayload(created=0, updated=0, unchanged=0)
    for index, entry in enumerate(entries):
        try:
            await _import_one(session, tenant, entry, known, result, now)
        except TransomError as exc:
            field = getattr(exc, "field", None)
            path = ["absences", str(index)] + ([to_camel_case(field)] if field else [])
            result.user_errors.append(user_error(exc, path))
    return result


async def _import_one(
    session: AsyncSession,
    tenant: models.Tenant,
    entry: RegisterAbsenceInput,
    known: dict[str, models.Absence],
    result: ImportAbsencesPayload,
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
        result.created = (result.created or 0) + 1
        return
    if update_absence(
        session,
        tenant=tenant,
        absence=existing,
        values=values,
        now=now,
        person_id=person.id,
    ):
        result.updated = (result.updated or 0) + 1
    else:
        result.unchanged = (result.unchanged or 0) + 1
