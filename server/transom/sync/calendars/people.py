"""People's calendars: busy slots that make ``person.availability`` follow Outlook.

Every connected person (``calendar_status`` SYNCING, SYNCED or ERROR, with
"availability follows calendar" on, in a tenant whose connection works) has a
:class:`PersonCalendarLoop`, run by the supervisor. It is the room loop's
machinery (:class:`~transom.sync.calendars.loop.CalendarLoop`: change
notifications on ``users/{id}/events``, ``calendarView/delta`` over the sync
window, links saved with each page, backoff) with busy slots instead of
bookings:

- each event becomes one ``person_busy_slots`` row with its times and showAs
  (``domain.availability.to_busy_slot``); cancelled events and series masters
  are not stored, free ones are (the tenant's ``includeFree`` decides when read);
- free/busy-only mode (``tenant.settings.availability.freeBusyOnly``) stores no
  subject and no location; the rules are read in the same transaction that
  writes a page, and the loop scrubs stored text whenever it starts a round in
  that mode, so switching the mode on never leaves text behind; attendees are
  never stored;
- private (and confidential) events never keep subject or location;
- a full resync drops the slots it did not see (``busy_slots.drop_unseen``).

The person's calendar status follows the loop::

    SYNCING --round done--> SYNCED
    any --403 access policy--> ACCESS_DENIED (hint)   } the supervisor stops the
    any --404 no mailbox-----> NO_MAILBOX             } loop; connectPeopleCalendars
    any --other error--------> ERROR (retried with backoff)    checks again

After each commit that changed slots, ``{"type": "person", "personId": …}`` is
published on the person's channel (``pubsub.person_channel``), which the
``personAvailability`` subscription listens to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import busy_slots as slot_repo
from transom.db import models
from transom.domain.availability import (
    AVAILABILITY_SETTING,
    AvailabilityRules,
    to_busy_slot,
)
from transom.domain.calendar import CalendarChangePage
from transom.domain.connection import MailboxStatus, is_blocking
from transom.domain.directory import CalendarStatus
from transom.graph import MailboxNotFoundError
from transom.pubsub import person_channel
from transom.sync.calendars.loop import CalendarLoop
from transom.sync.calendars.state import person_key, state_for_person
from transom.sync.credentials import MissingCredentialsError

FOLLOWED = (
    CalendarStatus.SYNCING.value,
    CalendarStatus.SYNCED.value,
    CalendarStatus.ERROR.value,
)
"""Calendar statuses whose loops run (with availability following the calendar)."""
DISCONNECTED = CalendarStatus.NOT_CONNECTED.value


@dataclass(frozen=True)
class PersonRef:
    id: str
    tenant_id: str
    mailbox: str
    synced: bool = False  # calendar status SYNCED when the loop started


def rules_of(tenant: models.Tenant | None) -> AvailabilityRules:
    settings = (tenant.settings if tenant else None) or {}
    return AvailabilityRules.from_stored(settings.get(AVAILABILITY_SETTING))


@dataclass
class PersonCalendarLoop(CalendarLoop):
    """Keeps one person's busy slots equal to their calendar.

    Example (one round without waiting)::

        loop = PersonCalendarLoop(env, PersonRef(p.id, p.tenant_id, p.primary_email))
        await loop.step()
    """

    person: PersonRef

    @property
    def tenant_id(self) -> str:
        return self.person.tenant_id

    @property
    def mailbox(self) -> str:
        return self.person.mailbox

    @property
    def key(self) -> str:
        return person_key(self.person.id)

    async def _load(self) -> tuple[models.Tenant, models.MailboxSyncState]:
        async with self.env.sessions() as session:
            tenant = await session.get(models.Tenant, self.person.tenant_id)
            person = await session.get(models.Person, self.person.id)
            if tenant is None or is_blocking(tenant.connection_status):
                raise MissingCredentialsError("the tenant's connection is not usable")
            if person is None:
                raise MissingCredentialsError("the person left the directory")
            state = await state_for_person(session, tenant_id=tenant.id, person=person)
            if rules_of(tenant).free_busy_only:
                await slot_repo.scrub_text(
                    session, tenant_id=tenant.id, person_id=person.id
                )
            await session.commit()
        return tenant, state

    async def _state(self, session: AsyncSession) -> models.MailboxSyncState | None:
        person = await session.get(models.Person, self.person.id)
        if person is None:
            return None
        return await state_for_person(
            session, tenant_id=person.tenant_id, person=person
        )

    async def _apply(
        self,
        session: AsyncSession,
        page: CalendarChangePage,
        extra: Any,
        stamp: datetime,
    ) -> int:
        # Disconnected meanwhile (disconnectPeopleCalendars): store nothing.
        person = await session.get(
            models.Person, self.person.id, populate_existing=True
        )
        if person is None or person.calendar_status == DISCONNECTED:
            return 0
        # The rules as they are now, in the transaction that writes the page:
        # a page read before free/busy-only was switched on stores no text.
        tenant = await session.get(
            models.Tenant, self.person.tenant_id, populate_existing=True
        )
        rules = rules_of(tenant)
        latest = {e.id: e for e in page.updates}.values()
        kept = [to_busy_slot(e, rules) for e in latest if rules.keeps(e)]
        dropped = [e.id for e in latest if not rules.keeps(e)]
        dropped += list(page.removed_ids)
        await slot_repo.apply_slots(
            session,
            tenant_id=self.person.tenant_id,
            person_id=self.person.id,
            slots=kept,
            removed_ids=dropped,
            seen_at=stamp,
        )
        return len(kept) + len(dropped)

    async def _finish_full_round(
        self,
        session: AsyncSession,
        window: tuple[datetime, datetime],
        round_started_at: datetime,
        stamp: datetime,
    ) -> int:
        return await slot_repo.drop_unseen(
            session,
            person_id=self.person.id,
            window=window,
            round_started_at=round_started_at,
        )

    async def _status_changed(
        self,
        session: AsyncSession,
        status: MailboxStatus,
        *,
        message: str | None = None,
        hint: str | None = None,
        exc: Exception | None = None,
    ) -> None:
        person = await session.get(models.Person, self.person.id)
        if person is None or person.calendar_status == DISCONNECTED:
            return  # gone, or disconnected meanwhile: its status stays
        found = calendar_status_for(status, exc)
        if found is None:
            return
        person.calendar_status = found.value
        if found is CalendarStatus.SYNCED:
            person.calendar_error = person.calendar_hint = None
        else:
            person.calendar_error, person.calendar_hint = message, hint

    async def _changed(self) -> None:
        await self.env.bus.publish(
            person_channel(self.person.id),
            {"type": "person", "personId": self.person.id},
        )


def calendar_status_for(
    status: MailboxStatus, exc: Exception | None
) -> CalendarStatus | None:
    """The person's calendar status for a loop status; None: leave it."""
    if status is MailboxStatus.IN_SYNC:
        return CalendarStatus.SYNCED
    if status is MailboxStatus.ACCESS_DENIED:
        if isinstance(exc, MailboxNotFoundError):
            return CalendarStatus.NO_MAILBOX
        return CalendarStatus.ACCESS_DENIED
    if status is MailboxStatus.ERROR:
        return CalendarStatus.ERROR
    return None
