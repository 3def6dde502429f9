"""People's availability: ``person.availability(at)``, its toggle and subscription.

Availability follows the person's calendar (busy slots kept by
``sync.person_calendars``) unless the person's "availability follows calendar"
is off; then only approved absences count. Events on the tenant channel of type
``person`` (with ``personId``) wake the subscription.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import anyio
import strawberry

from transom.api.context import Info
from transom.db import absences as absence_repo
from transom.db import busy_slots as slot_repo
from transom.db import models
from transom.domain import availability as rules
from transom.domain.absences import POLICY_SETTING, AbsencePolicy, SyncTarget
from transom.domain.errors import NotFoundError
from transom.pubsub import tenant_channel

if TYPE_CHECKING:
    from transom.api.people import Person


@strawberry.enum(description="Whether someone can be reached.")
class Availability(Enum):
    AVAILABLE = "AVAILABLE"
    TENTATIVE = "TENTATIVE"
    WORKING_ELSEWHERE = "WORKING_ELSEWHERE"
    BUSY = "BUSY"
    OUT_OF_OFFICE = "OUT_OF_OFFICE"


LOOKAROUND = timedelta(days=2)


async def availability_of(
    info: Info, person: models.Person, tenant: models.Tenant, at: datetime
) -> rules.Availability:
    settings = tenant.settings or {}
    async with info.context.db() as session:
        if person.availability_follows_calendar:
            slots = await slot_repo.slots_between(
                session, person_id=person.id, start=at, end=at + timedelta(seconds=1)
            )
            found = rules.AvailabilityRules.from_stored(
                settings.get(rules.AVAILABILITY_SETTING)
            )
            return rules.availability_at(slots, at, found)
        absences = await absence_repo.approved_between(
            session, person_id=person.id, start=at - LOOKAROUND, end=at + LOOKAROUND
        )
    policy = AbsencePolicy.from_stored(settings.get(POLICY_SETTING))
    windows = [
        rules.AbsenceWindow(a.start, a.end, policy.target(a.kind)) for a in absences
    ]
    return rules.availability_from_absences(
        [w for w in windows if w.target is not SyncTarget.NEVER], at
    )


async def _load(info: Info, person_id: str) -> tuple[models.Person, models.Tenant]:
    viewer = await info.context.viewer()
    async with info.context.db() as session:
        person = await session.get(models.Person, person_id, populate_existing=True)
        tenant = await session.get(models.Tenant, person.tenant_id) if person else None
    if person is None or tenant is None or viewer.room_id is not None:
        raise NotFoundError.of("Person", person_id)
    viewer.check_tenant(person.tenant_id, "Person", person_id)
    return person, tenant


async def person_availability(
    root: Any, info: Info, at: datetime | None = None
) -> Availability:
    person, tenant = await _load(info, str(root.id))
    found = await availability_of(info, person, tenant, at or info.context.now)
    return Availability(found.value)


@strawberry.type(description="A person's availability at one moment.")
class PersonAvailability:
    person_id: strawberry.ID
    availability: Availability
    at: datetime


@strawberry.type
class AvailabilityMutations:
    @strawberry.mutation(
        description="Turn 'availability follows calendar' on or off for a person."
    )
    async def set_availability_follows_calendar(
        self, info: Info, person_id: strawberry.ID, follows: bool
    ) -> Annotated[Person, strawberry.lazy("transom.api.people")]:
        from transom.api.people import Person

        viewer = await info.context.viewer()
        viewer.require_admin()
        await _load(info, person_id)
        async with info.context.db() as session:
            person = await session.get(models.Person, person_id)
            assert person is not None
            person.availability_follows_calendar = follows
            await session.commit()
        await info.context.services.bus.publish(
            tenant_channel(person.tenant_id), {"type": "person", "personId": person.id}
        )
        return Person.from_model(person)


@strawberry.type
class AvailabilitySubscriptions:
    @strawberry.subscription(
        description="The person's availability now, then again whenever their "
        "calendar or absences change (and at least every minute)."
    )
    async def person_availability(
        self, info: Info, person_id: strawberry.ID
    ) -> AsyncGenerator[PersonAvailability, None]:
        person, tenant = await _load(info, person_id)
        bus = info.context.services.bus
        last: rules.Availability | None = None
        async with bus.subscribe(tenant_channel(tenant.id)) as events:
            while True:
                person, tenant = await _load(info, person_id)
                now = info.context.now
                found = await availability_of(info, person, tenant, now)
                if found != last:
                    last = found
                    yield PersonAvailability(
                        person_id=strawberry.ID(person.id),
                        availability=Availability(found.value),
                        at=now,
                    )
                await _next_person_event(events, person.id)


async def _next_person_event(events: Any, person_id: str) -> None:
    with anyio.move_on_after(60):
        while True:
            event = await events.get()
            if event.get("type") in ("person", "absence") and event.get("personId") in (
                None,
                person_id,
            ):
                return
