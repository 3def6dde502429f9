"""People's availability: ``person.availability(at)``, ``person.busySlots``,
the per-person toggle, the tenant's availability settings and the
``personAvailability`` subscription.

Availability follows the person's calendar (busy slots kept by
``sync.person_calendars``) unless the person's "availability follows calendar"
is off; then only approved absences count. Whatever changes a person's inputs
(their calendar loop, an absence, the toggle) publishes on the person's channel
(``pubsub.person_channel``); the subscription re-evaluates then, and at the
next meeting boundary (at least every minute: ``Settings.live_recheck_seconds``),
and pushes only when the availability changed.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import anyio
import strawberry

from transom.api.context import Info
from transom.api.enums import Availability, ShowAs
from transom.api.payloads import Payload, UserErrors
from transom.api.tenants.types import changing_setting, visible_tenant
from transom.db import absences as absence_repo
from transom.db import busy_slots as slot_repo
from transom.db import models
from transom.domain import availability as rules
from transom.domain.absences import POLICY_SETTING, AbsencePolicy, SyncTarget
from transom.domain.errors import InvalidInputError, NotFoundError
from transom.pubsub import person_channel, tenant_channel

if TYPE_CHECKING:
    from transom.api.people.types import Person


LOOKAROUND = timedelta(days=2)
MAX_SLOT_DAYS = 62


def rules_of(tenant: models.Tenant) -> rules.AvailabilityRules:
    settings = tenant.settings or {}
    return rules.AvailabilityRules.from_stored(settings.get(rules.AVAILABILITY_SETTING))


async def availability_of(
    info: Info, person: models.Person, tenant: models.Tenant, at: datetime
) -> tuple[rules.Availability, datetime | None]:
    """The person's availability at ``at`` and when it can next change."""
    settings = tenant.settings or {}
    async with info.context.db() as session:
        if person.availability_follows_calendar:
            slots = await slot_repo.slots_between(
                session, person_id=person.id, start=at, end=at + LOOKAROUND
            )
            found = rules_of(tenant)
            return rules.availability_at(slots, at, found), rules.until(
                slots, at, found
            )
        absences = await absence_repo.approved_between(
            session, person_id=person.id, start=at - LOOKAROUND, end=at + LOOKAROUND
        )
    policy = AbsencePolicy.from_stored(settings.get(POLICY_SETTING))
    windows = [
        rules.AbsenceWindow(a.start, a.end, policy.target(a.kind)) for a in absences
    ]
    windows = [w for w in windows if w.target is not SyncTarget.NEVER]
    bounds = [b for w in windows for b in (w.start, w.end) if b > at]
    return rules.availability_from_absences(windows, at), min(bounds, default=None)


async def _load(info: Info, person_id: str) -> tuple[models.Person, models.Tenant]:
    viewer = await info.context.viewer()
    async with info.context.db() as session:
        person = await session.get(models.Person, person_id, populate_existing=True)
        tenant = (
            await session.get(models.Tenant, person.tenant_id, populate_existing=True)
            if person
            else None
        )
    if person is None or tenant is None or viewer.is_display:
        raise NotFoundError.of("Person", person_id)
    viewer.check_tenant(person.tenant_id, "Person", person_id)
    return person, tenant


async def person_availability(
    root: Any,
    info: Info,
    at: Annotated[
        datetime | None,
        strawberry.argument(
            description="The moment asked about, with a UTC offset; default: now."
        ),
    ] = None,
) -> Availability:
    person, tenant = await _load(info, str(root.id))
    found, _ = await availability_of(info, person, tenant, at or info.context.now)
    return Availability(found.value)


@strawberry.type(
    description="One event of a person's calendar as Transom keeps it. Subject "
    "and location are null for private events and in free/busy-only mode."
)
class BusySlot:
    start: datetime = strawberry.field(description="When the event starts (UTC).")
    end: datetime = strawberry.field(description="When the event ends (UTC).")
    show_as: ShowAs = strawberry.field(
        description="How Outlook shows the event's time."
    )
    availability: Availability = strawberry.field(
        description="What the event means through the tenant's mapping."
    )
    is_private: bool = strawberry.field(
        description="Marked private in Outlook: subject and location are null."
    )
    is_all_day: bool = strawberry.field(description="An all-day event.")
    subject: str | None = strawberry.field(
        description="The event's subject; null when private or in free/busy-only mode."
    )
    location: str | None = strawberry.field(
        description="Where it is; null when private, unset or in free/busy-only mode."
    )


async def person_busy_slots(
    root: Any,
    info: Info,
    start: Annotated[
        datetime, strawberry.argument(description="From (with a UTC offset).")
    ],
    end: Annotated[
        datetime,
        strawberry.argument(
            description="Until, exclusive; at most 62 days after start."
        ),
    ],
) -> list[BusySlot]:
    if end <= start or end - start > timedelta(days=MAX_SLOT_DAYS):
        raise InvalidInputError(
            f"end must be after start, at most {MAX_SLOT_DAYS} days later",
            field="end",
        )
    person, tenant = await _load(info, str(root.id))
    found = rules_of(tenant)
    async with info.context.db() as session:
        slots = await slot_repo.slots_between(
            session, person_id=person.id, start=start, end=end
        )
    hide, details = found.free_busy_only, found.private_meeting_details
    return [
        BusySlot(
            start=s.start,
            end=s.end,
            show_as=ShowAs(s.show_as.value),
            availability=Availability(found.of_show_as(s.show_as).value),
            is_private=s.is_private,
            is_all_day=s.is_all_day,
            subject=None if hide or (s.is_private and not details) else s.subject,
            location=None if hide or (s.is_private and not details) else s.location,
        )
        for s in sorted(slots, key=lambda s: (s.start, s.end))
        if found.counts(s)
    ]


@strawberry.type(description="A person's availability at one moment.")
class PersonAvailability:
    person_id: strawberry.ID = strawberry.field(description="The person.")
    availability: Availability = strawberry.field(
        description="Their availability at `at`."
    )
    at: datetime = strawberry.field(description="When this was worked out (UTC).")


@strawberry.type(description="How one showAs value counts for availability.")
class ShowAsMapping:
    show_as: ShowAs = strawberry.field(description="The Outlook showAs value.")
    availability: Availability = strawberry.field(
        description="The availability it means for this tenant."
    )


@strawberry.input(description="Map one showAs value to an availability.")
class ShowAsMappingInput:
    show_as: ShowAs = strawberry.field(description="The Outlook showAs value to map.")
    availability: Availability = strawberry.field(
        description="The availability it should mean."
    )


@strawberry.type(description="A tenant's rules for availability from calendars.")
class AvailabilitySettings:
    tenant_id: strawberry.ID = strawberry.field(
        description="The tenant these settings belong to."
    )
    mapping: list[ShowAsMapping] = strawberry.field(
        description="Every showAs value with the availability it means."
    )
    include_free: bool = strawberry.field(
        description="Events shown as free count (and are listed in busySlots)."
    )
    free_busy_only: bool = strawberry.field(
        description="Store only times and showAs: no subjects, locations or "
        "attendees at all."
    )
    newcomers_follow_calendar: bool = strawberry.field(
        description="People new in the directory start with 'availability follows "
        "calendar' on (each person's own switch decides after that)."
    )
    private_meetings_count: bool = strawberry.field(
        description="Private (and confidential) meetings count for availability; "
        "off: they are ignored (stored, never counted)."
    )
    private_meeting_details: bool = strawberry.field(
        description="The title and location of private meetings are kept (off by "
        "default: only their times); free/busy-only keeps none in any case."
    )

    @classmethod
    def of(cls, tenant_id: str, found: rules.AvailabilityRules) -> AvailabilitySettings:
        return cls(
            tenant_id=strawberry.ID(tenant_id),
            mapping=[
                ShowAsMapping(
                    show_as=ShowAs(s.value),
                    availability=Availability(found.of_show_as(s).value),
                )
                for s in ShowAs
            ],
            include_free=found.include_free,
            free_busy_only=found.free_busy_only,
            newcomers_follow_calendar=found.newcomers_follow_calendar,
            private_meetings_count=found.private_meetings_count,
            private_meeting_details=found.private_meeting_details,
        )


@strawberry.input(description="Availability settings to change; omitted stay.")
class AvailabilitySettingsInput:
    mapping: list[ShowAsMappingInput] | None = strawberry.field(
        default=None, description="Replaces the tenant's mapping (others: default)."
    )
    include_free: bool | None = strawberry.field(
        default=None,
        description="Count events shown as free (and list them in busySlots); omitted: unchanged.",
    )
    free_busy_only: bool | None = strawberry.field(
        default=None,
        description="Keep only times and showAs; switching it on clears stored subjects and locations. Omitted: unchanged.",
    )
    newcomers_follow_calendar: bool | None = strawberry.field(
        default=None,
        description="Whether people new in the directory start with 'availability "
        "follows calendar' on; omitted: unchanged.",
    )
    private_meetings_count: bool | None = strawberry.field(
        default=None,
        description="Whether private meetings count for availability; omitted: "
        "unchanged.",
    )
    private_meeting_details: bool | None = strawberry.field(
        default=None,
        description="Whether private meetings' title and location are kept; "
        "switching it off clears them at once. Omitted: unchanged.",
    )


def _changed(input: AvailabilitySettingsInput, old: dict[str, Any]) -> dict[str, Any]:
    stored = dict(old)
    if input.mapping is not None:
        stored["mapping"] = {
            m.show_as.value: m.availability.value for m in input.mapping
        }
    if input.include_free is not None:
        stored["includeFree"] = input.include_free
    if input.free_busy_only is not None:
        stored["freeBusyOnly"] = input.free_busy_only
    if input.newcomers_follow_calendar is not None:
        stored["newcomersFollowCalendar"] = input.newcomers_follow_calendar
    if input.private_meetings_count is not None:
        stored["privateMeetingsCount"] = input.private_meetings_count
    if input.private_meeting_details is not None:
        stored["privateMeetingDetails"] = input.private_meeting_details
    return stored


@strawberry.type
class AvailabilityQueries:
    @strawberry.field(description="The tenant's availability settings.")
    async def availability_settings(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The tenant (yours unless you are a superadmin)."
            ),
        ],
    ) -> AvailabilitySettings | None:
        tenant = await visible_tenant(info, tenant_id)
        return AvailabilitySettings.of(tenant.id, rules_of(tenant))


@strawberry.type(description="What setAvailabilityFollowsCalendar answers.")
class SetAvailabilityFollowsCalendarPayload(Payload):
    person: Annotated[Person, strawberry.lazy("transom.api.people.types")] | None = (
        strawberry.field(default=None, description="The person; null when refused.")
    )


@strawberry.type(description="What setAvailabilitySettings answers.")
class SetAvailabilitySettingsPayload(Payload):
    settings: AvailabilitySettings | None = strawberry.field(
        default=None, description="The settings as saved; null when refused."
    )


@strawberry.type
class AvailabilityMutations:
    @strawberry.mutation(
        description="Turn 'availability follows calendar' on or off for a person."
    )
    async def set_availability_follows_calendar(
        self,
        info: Info,
        person_id: Annotated[
            strawberry.ID, strawberry.argument(description="The person.")
        ],
        follows: Annotated[
            bool,
            strawberry.argument(
                description="True: their availability follows their calendar."
            ),
        ],
    ) -> SetAvailabilityFollowsCalendarPayload | None:
        with UserErrors(info) as errors:
            from transom.api.people.types import Person

            viewer = await info.context.viewer()
            viewer.require_admin()
            await _load(info, person_id)
            async with info.context.db() as session:
                person = await session.get(models.Person, person_id)
                assert person is not None
                person.availability_follows_calendar = follows
                await session.commit()
            await info.context.services.bus.publish(
                person_channel(person.id), {"type": "person", "personId": person.id}
            )
            if info.context.services.sync is not None:
                await info.context.services.sync.sync_people(person.tenant_id)
            return SetAvailabilityFollowsCalendarPayload(
                person=Person.from_model(person)
            )
        return errors.payload(SetAvailabilityFollowsCalendarPayload)

    @strawberry.mutation(
        description="Change the tenant's availability settings. Switching "
        "free/busy-only on clears every stored subject and location at once "
        "(private meeting details off: those of private meetings); the people's "
        "calendars are read again."
    )
    async def set_availability_settings(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The tenant.")
        ],
        input: Annotated[
            AvailabilitySettingsInput,
            strawberry.argument(description="The settings to change."),
        ],
    ) -> SetAvailabilitySettingsPayload | None:
        with UserErrors(info) as errors:
            key = rules.AVAILABILITY_SETTING
            change = partial(_changed, input)
            async with changing_setting(info, tenant_id, key, change) as settings:
                found = rules.AvailabilityRules.from_stored(settings.new)
                if found.free_busy_only or not found.private_meeting_details:
                    await slot_repo.scrub_text(
                        settings.session,
                        tenant_id=tenant_id,
                        only_private=not found.free_busy_only,
                    )
            await info.context.services.bus.publish(
                tenant_channel(tenant_id), {"type": "tenant", "tenantId": tenant_id}
            )
            if info.context.services.sync is not None:
                await info.context.services.sync.sync_people(tenant_id, full=True)
            return SetAvailabilitySettingsPayload(
                settings=AvailabilitySettings.of(tenant_id, found)
            )
        return errors.payload(SetAvailabilitySettingsPayload)


@strawberry.type
class AvailabilitySubscriptions:
    @strawberry.subscription(
        description="The person's availability now, then again whenever it "
        "changes: their calendar or absences changed, or a meeting began or ended."
    )
    async def person_availability(
        self,
        info: Info,
        person_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The person to follow (in your tenant)."),
        ],
    ) -> AsyncGenerator[PersonAvailability, None]:
        await _load(info, person_id)
        bus = info.context.services.bus
        last: rules.Availability | None = None
        async with bus.subscribe(person_channel(person_id)) as events:
            while True:
                person, tenant = await _load(info, person_id)
                now = info.context.now
                found, change = await availability_of(info, person, tenant, now)
                if found != last:
                    last = found
                    yield PersonAvailability(
                        person_id=strawberry.ID(person.id),
                        availability=Availability(found.value),
                        at=now,
                    )
                wait = info.context.services.settings.live_recheck_seconds
                if change is not None:
                    wait = min(wait, max((change - now).total_seconds(), 0.05))
                with anyio.move_on_after(wait):
                    await events.get()
