"""People and their absences: types and queries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from transom.api.context import Info
from transom.api.enums import Approval, Availability, CalendarStatus, SyncState
from transom.api.node import Node
from transom.api.pagination import DEFAULT_PAGE, Connection, to_connection
from transom.api.people.availability import (
    BusySlot,
    person_availability,
    person_busy_slots,
)
from transom.api.scope import tenant_scope
from transom.db import models
from transom.db import people as people_repo
from transom.domain.absences import normalize_kind
from transom.domain.errors import InvalidInputError


@strawberry.type(description="Someone in a tenant's directory.")
class Person(Node):
    id: strawberry.ID = strawberry.field(description="The person's id in Transom.")
    email: str = strawberry.field(description="Primary SMTP address.")
    aliases: list[str] = strawberry.field(
        description="Other addresses (proxyAddresses)."
    )
    display_name: str = strawberry.field(
        description="The name in the tenant's directory."
    )
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
    calendar_error: str | None = strawberry.field(
        description="Why the calendar cannot be read (calendarStatus ERROR or ACCESS_DENIED); null otherwise."
    )
    calendar_hint: str | None = strawberry.field(
        description="How to fix calendarError; null when there is nothing to fix."
    )
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


@strawberry.type(description="A registered absence (vacation, sickness, ...).")
class Absence(Node):
    id: strawberry.ID = strawberry.field(description="The absence's id.")
    person_id: strawberry.ID = strawberry.field(description="The person who is away.")
    kind: str = strawberry.field(
        description="VACATION, SICK, ... or a custom kind of the tenant (see RegisterAbsenceInput.kind)."
    )
    start: datetime = strawberry.field(description="When it begins (UTC).")
    end: datetime = strawberry.field(
        description="When it ends, exclusive (UTC); for all-day absences midnight after the last day."
    )
    all_day: bool = strawberry.field(
        description="Covers whole dates: end is the day after the last day, as in Outlook."
    )
    approval: Approval = strawberry.field(
        description="HR's decision; only approved absences go to Outlook."
    )
    sync_state: SyncState = strawberry.field(
        description="Whether and how it is in the person's Outlook calendar."
    )
    last_error: str | None = strawberry.field(
        description="Why the last Outlook write failed or is held."
    )
    sync_hint: str | None = strawberry.field(
        description="How to fix a FAILED or HELD sync (e.g. the mailbox is outside "
        "the app's access policy)."
    )
    sync_code: str | None = strawberry.field(description="Graph's error code.")
    external_id: str | None = strawberry.field(description="The HR system's id.")
    note: str | None = strawberry.field(
        description="Kept in Transom only; null when none."
    )

    @strawberry.field(
        description="The person who is away; null if they left the directory."
    )
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.person.load(str(self.person_id))
        return Person.from_model(row) if row is not None else None

    @strawberry.field(
        description="Its Outlook write that FAILED or is HELD, to pass to "
        "retryOutboxItem; null when no write waits for a retry."
    )
    async def retryable_write_id(self, info: Info) -> strawberry.ID | None:
        found = await info.context.loaders.retryable_write.load(str(self.id))
        return strawberry.ID(found) if found is not None else None

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
            sync_state=SyncState(row.sync_state),
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
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_PAGE,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The endCursor of the page before; omit for the first page."
            ),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of a name or email address, any case (% and _ are plain characters)."
            ),
        ] = None,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant: superadmins may pick any; others may give only their own. Omitted: your tenant (every tenant for a superadmin)."
            ),
        ] = None,
        calendar_status: Annotated[
            CalendarStatus | None,
            strawberry.argument(description="Only people whose calendar is here."),
        ] = None,
        follows_calendar: Annotated[
            bool | None,
            strawberry.argument(
                description="Only people whose availability follows their "
                "calendar (true) or does not (false)."
            ),
        ] = None,
    ) -> Connection[Person] | None:
        viewer = await info.context.viewer()
        scope = tenant_scope(viewer, tenant_id)
        async with info.context.db() as session:
            page = await people_repo.page_people(
                session,
                tenant_id=scope,
                search=search,
                first=first,
                after=after,
                calendar_status=calendar_status.value if calendar_status else None,
                follows_calendar=follows_calendar,
            )
        return to_connection(page, [Person.from_model(row) for row in page.items])

    @strawberry.field(
        description="The person reached by `address`: their primary address or "
        "any alias (proxyAddresses), in any case; null if nobody."
    )
    async def person_by_address(
        self,
        info: Info,
        address: Annotated[
            str, strawberry.argument(description="An email address, any case.")
        ],
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant: superadmins may pick any; others may give only their own. Omitted: your tenant (every tenant for a superadmin)."
            ),
        ] = None,
    ) -> Person | None:
        viewer = await info.context.viewer()
        wanted = tenant_id or viewer.tenant_id
        if wanted is None:
            raise InvalidInputError("a superadmin names the tenantId", field="tenantId")
        viewer.check_tenant(wanted, "Tenant", wanted)
        if viewer.is_display:
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
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_PAGE,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The endCursor of the page before; omit for the first page."
            ),
        ] = None,
        person_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this person's absences."),
        ] = None,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant: superadmins may pick any; others may give only their own. Omitted: your tenant (every tenant for a superadmin)."
            ),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Only absences of people whose name or primary email "
                "address holds this text, any case (% and _ are plain characters)."
            ),
        ] = None,
        kind: Annotated[
            str | None,
            strawberry.argument(
                description="Only this kind (e.g. VACATION or a custom kind; "
                "'other vacation' means OTHER_VACATION)."
            ),
        ] = None,
        sync_state: Annotated[
            SyncState | None,
            strawberry.argument(description="Only absences in this sync state."),
        ] = None,
        approval: Annotated[
            Approval | None,
            strawberry.argument(description="Only absences with this decision."),
        ] = None,
        from_: Annotated[
            datetime | None,
            strawberry.argument(
                name="from",
                description="Only absences still running at or after this moment "
                "(with a UTC offset): those ending after it.",
            ),
        ] = None,
        until: Annotated[
            datetime | None,
            strawberry.argument(
                description="Only absences beginning before this moment (with a "
                "UTC offset); after `from` when both are given.",
            ),
        ] = None,
    ) -> Connection[Absence] | None:
        viewer = await info.context.viewer()
        scope = tenant_scope(viewer, tenant_id)
        wanted = people_repo.AbsenceFilter(
            person_id=person_id,
            person_search=search.strip() if search and search.strip() else None,
            kind=normalize_kind(kind) if kind is not None else None,
            sync_state=sync_state.value if sync_state is not None else None,
            approval=approval.value if approval is not None else None,
            ends_after=_instant(from_, "from"),
            starts_before=_instant(until, "until"),
        )
        if (
            wanted.ends_after is not None
            and wanted.starts_before is not None
            and wanted.starts_before <= wanted.ends_after
        ):
            raise InvalidInputError("until must be after from", field="until")
        async with info.context.db() as session:
            page = await people_repo.page_absences(
                session, tenant_id=scope, wanted=wanted, first=first, after=after
            )
        return to_connection(page, [Absence.from_model(row) for row in page.items])


def _instant(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInputError(f"give {name} with a UTC offset", field=name)
    return value
