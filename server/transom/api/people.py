"""People and their absences: types and queries."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from transom.api.availability import (
    Availability,
    BusySlot,
    person_availability,
    person_busy_slots,
)
from transom.api.context import Info
from transom.api.node import Node
from transom.api.pagination import DEFAULT_PAGE, Connection, to_connection
from transom.api.scope import tenant_scope
from transom.db import models
from transom.db import people as people_repo
from transom.domain.directory import CalendarStatus
from transom.domain.errors import InvalidInputError

# The domain's enum, exposed as is (one definition for both layers).
strawberry.enum(
    CalendarStatus,
    name="CalendarStatus",
    description="Where following a person's calendar stands.",
)


@strawberry.type(description="Someone in a tenant's directory.")
class Person(Node):
    id: strawberry.ID
    email: str = strawberry.field(description="Primary SMTP address.")
    aliases: list[str] = strawberry.field(
        description="Other addresses (proxyAddresses)."
    )
    display_name: str
    availability_follows_calendar: bool = strawberry.field(
        description="On: availability comes from the person's calendar. Off: from "
        "their approved absences only."
    )
    calendar_status: CalendarStatus = strawberry.field(
        description="NOT_CONNECTED (not connected yet), SYNCING (connected, first "
        "sync running), SYNCED (the calendar is followed), NO_MAILBOX, "
        "ACCESS_DENIED (outside the app's access policy) or ERROR (see "
        "calendarError and calendarHint)."
    )
    calendar_error: str | None
    calendar_hint: str | None
    availability: Availability = strawberry.field(
        resolver=person_availability,
        description="AVAILABLE, BUSY, TENTATIVE, OUT_OF_OFFICE or WORKING_ELSEWHERE "
        "at `at` (default: now), from the calendar's showAs through the tenant's "
        "mapping.",
    )
    busy_slots: list[BusySlot] = strawberry.field(
        resolver=person_busy_slots,
        description="The person's calendar events between start and end (at most "
        "62 days), as kept for availability; events shown as free only when the "
        "tenant includes them.",
    )

    @classmethod
    def from_model(cls, row: models.Person) -> Person:
        return cls(
            id=strawberry.ID(row.id),
            email=row.primary_email,
            aliases=list(row.aliases or []),
            display_name=row.display_name,
            availability_follows_calendar=row.availability_follows_calendar,
            calendar_status=CalendarStatus(row.calendar_status),
            calendar_error=row.calendar_error,
            calendar_hint=row.calendar_hint,
        )


@strawberry.enum(description="HR's decision on an absence.")
class Approval(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@strawberry.enum(description="Whether an absence is in Outlook.")
class AbsenceSyncState(Enum):
    NOT_SYNCED = strawberry.enum_value(
        "NOT_SYNCED", description="The tenant's policy keeps this kind out of Outlook."
    )
    PENDING = "PENDING"
    SYNCED = "SYNCED"
    HELD = strawberry.enum_value(
        "HELD", description="Waiting for renewed credentials; syncs by itself then."
    )
    FAILED = "FAILED"


@strawberry.type(description="A registered absence (vacation, sickness, ...).")
class Absence(Node):
    id: strawberry.ID
    person_id: strawberry.ID
    kind: str
    start: datetime
    end: datetime
    all_day: bool
    approval: Approval
    sync_state: AbsenceSyncState
    last_error: str | None = strawberry.field(
        description="Why the last Outlook write failed or is held."
    )
    sync_hint: str | None = strawberry.field(
        description="How to fix a FAILED or HELD sync (e.g. the mailbox is outside "
        "the app's access policy)."
    )
    sync_code: str | None = strawberry.field(description="Graph's error code.")
    external_id: str | None = strawberry.field(description="The HR system's id.")
    note: str | None

    @classmethod
    def from_model(cls, row: models.Absence) -> Absence:
        return cls(
            id=strawberry.ID(row.id),
            person_id=strawberry.ID(row.person_id),
            kind=row.kind,
            start=row.start,
            end=row.end,
            all_day=row.all_day,
            approval=Approval(row.approval),
            sync_state=AbsenceSyncState(row.sync_state),
            last_error=row.last_error,
            sync_hint=row.sync_hint,
            sync_code=row.sync_code,
            external_id=row.external_id,
            note=row.note,
        )


@strawberry.type
class PeopleQueries:
    @strawberry.field(
        description="People by display name; `search` matches name or email."
    )
    async def people(
        self,
        info: Info,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        search: str | None = None,
        tenant_id: strawberry.ID | None = None,
    ) -> Connection[Person] | None:
        viewer = await info.context.viewer()
        scope = tenant_scope(viewer, tenant_id)
        async with info.context.db() as session:
            page = await people_repo.page_people(
                session, tenant_id=scope, search=search, first=first, after=after
            )
        return to_connection(page, [Person.from_model(row) for row in page.items])

    @strawberry.field(
        description="The person reached by `address`: their primary address or "
        "any alias (proxyAddresses), in any case; null if nobody."
    )
    async def person_by_address(
        self, info: Info, address: str, tenant_id: strawberry.ID | None = None
    ) -> Person | None:
        viewer = await info.context.viewer()
        wanted = tenant_id or viewer.tenant_id
        if wanted is None:
            raise InvalidInputError("a superadmin names the tenantId", field="tenantId")
        viewer.check_tenant(wanted, "Tenant", wanted)
        if viewer.room_id is not None:
            return None
        async with info.context.db() as session:
            row = await people_repo.find_person_by_address(
                session, tenant_id=wanted, address=address.strip()
            )
        return Person.from_model(row) if row is not None else None

    @strawberry.field(description="Absences by start time, newest registrations too.")
    async def absences(
        self,
        info: Info,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        person_id: strawberry.ID | None = None,
        tenant_id: strawberry.ID | None = None,
    ) -> Connection[Absence] | None:
        viewer = await info.context.viewer()
        scope = tenant_scope(viewer, tenant_id)
        async with info.context.db() as session:
            page = await people_repo.page_absences(
                session, tenant_id=scope, person_id=person_id, first=first, after=after
            )
        return to_connection(page, [Absence.from_model(row) for row in page.items])
