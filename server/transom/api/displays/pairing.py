"""The door display's own side of pairing, and what it asks about itself.

``requestDisplayPairing`` and ``displayPairing`` need no token (a new display
has none); the first is rate limited per client address. The secret returned
with the code is the display's device token once an admin has paired it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from transom.api.context import Info
from transom.api.displays.nearby import NearbyFreeRoom, nearby_free_rooms
from transom.api.enums import DisplayLanguage, PairingState
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import Room, visible_room
from transom.db import displays as display_repo
from transom.db import models
from transom.domain import displays as rules
from transom.domain.access import Role
from transom.domain.errors import (
    ConflictError,
    PermissionDeniedError,
    RateLimitedError,
)
from transom.domain.tenant_settings import TenantSettings

PAIRING_REQUESTS = 10
PAIRING_WINDOW = timedelta(minutes=10)
CODE_ATTEMPTS = 20


@strawberry.type(description="A pairing code for a new display, and its secret.")
class DisplayPairing:
    code: str = strawberry.field(description="Show this; an admin types it in.")
    secret: str = strawberry.field(
        description="Keep this on the device; it becomes the display's token "
        "(`Authorization: Bearer <secret>`) once paired."
    )
    expires_at: datetime = strawberry.field(
        description="When the code stops working (UTC), 15 minutes after it was asked for."
    )


@strawberry.type(description="Where a pairing stands, as the display sees it.")
class DisplayPairingStatus:
    state: PairingState = strawberry.field(
        description="WAITING, EXPIRED, PAIRED or REVOKED."
    )
    code: str | None = strawberry.field(description="While WAITING.")
    expires_at: datetime | None = strawberry.field(description="While WAITING.")


@strawberry.type(description="The display asking, with what it needs to show.")
class ThisDisplay:
    id: strawberry.ID = strawberry.field(description="The display's id.")
    name: str = strawberry.field(description="The display's name.")
    language: DisplayLanguage = strawberry.field(
        description="The display's own language, else the tenant's."
    )
    check_in_required: bool = strawberry.field(
        description="Meetings must be checked in at this display (the tenant's setting)."
    )
    no_show_release_minutes: int = strawberry.field(
        description="With check-in required: minutes after the start before an "
        "unchecked meeting is released."
    )
    check_in_required_since: datetime | None = strawberry.field(
        description="With check-in required: since when. Meetings that began "
        "earlier, and meetings booked at the door, are never released as no-shows."
    )
    room: Room = strawberry.field(description="The room it shows.")
    room_row: strawberry.Private[models.Room]
    tenant_row: strawberry.Private[models.Tenant | None]

    @strawberry.field(
        description="Rooms in the same building (this tenant's, linked to their "
        "mailbox) free now for at least 15 minutes, nearest floors first, then "
        "the longest free. For when this room is taken."
    )
    async def nearby_free_rooms(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="At most this many (1 to 10).")
        ] = 4,
    ) -> list[NearbyFreeRoom]:
        return await nearby_free_rooms(info, self.room_row, self.tenant_row, first)


def _pairing_limit(info: Info) -> rules.RateLimit:
    """One limiter per app (kept on its state), counting per client address."""
    state = info.context.connection.app.state
    limit = getattr(state, "display_pairing_limit", None)
    if not isinstance(limit, rules.RateLimit):
        limit = rules.RateLimit(limit=PAIRING_REQUESTS, window=PAIRING_WINDOW)
        state.display_pairing_limit = limit
    return limit


def _client_address(info: Info) -> str:
    client = info.context.connection.client
    return client.host if client is not None else "unknown"


@strawberry.type(description="What requestDisplayPairing answers.")
class RequestDisplayPairingPayload(Payload):
    pairing: DisplayPairing | None = strawberry.field(
        default=None,
        description="The code to show and the display's secret; null when refused.",
    )


@strawberry.type
class DisplayPairingMutations:
    @strawberry.mutation(
        description="A new display asks for a pairing code (no token needed; at "
        f"most {PAIRING_REQUESTS} per address per 10 minutes). Codes expire "
        "after 15 minutes."
    )
    async def request_display_pairing(
        self, info: Info
    ) -> RequestDisplayPairingPayload | None:
        with UserErrors(info) as errors:
            now = info.context.now
            limit, address = _pairing_limit(info), _client_address(info)
            if not limit.hit(address, now):
                wait = math.ceil(limit.retry_after(address, now).total_seconds())
                info.context.set_response_header("Retry-After", str(max(1, wait)))
                raise RateLimitedError(
                    f"too many pairing requests from this address: try again in "
                    f"{max(1, wait)} seconds",
                    retry_after_seconds=wait,
                )
            secret = rules.new_device_secret()
            async with info.context.db() as session:
                await display_repo.purge_expired(session, now=now)
                code = await _unused_code(session)
                await display_repo.create_pending(
                    session, code=code, secret=secret, now=now
                )
                await session.commit()
            return RequestDisplayPairingPayload(
                pairing=DisplayPairing(
                    code=code, secret=secret, expires_at=now + rules.PAIRING_TTL
                )
            )
        return errors.payload(RequestDisplayPairingPayload)


async def _unused_code(session: AsyncSession) -> str:
    for _ in range(CODE_ATTEMPTS):
        code = rules.new_pairing_code()
        if not await display_repo.code_in_use(session, code=code):
            return code
    raise ConflictError("no free pairing code right now: try again")


@strawberry.type
class DisplayPairingQueries:
    @strawberry.field(
        description="How the pairing of the display holding `secret` stands "
        "(no token needed; the display polls this until PAIRED)."
    )
    async def display_pairing(
        self,
        info: Info,
        secret: Annotated[
            str,
            strawberry.argument(
                description="The secret requestDisplayPairing gave this display."
            ),
        ],
    ) -> DisplayPairingStatus | None:
        now = info.context.now
        async with info.context.db() as session:
            row = await display_repo.find_by_secret(session, secret=secret)
        if row is None:
            return DisplayPairingStatus(
                state=PairingState.EXPIRED, code=None, expires_at=None
            )
        state = display_repo.state_of(row, now)
        waiting = state is rules.PairingState.WAITING
        return DisplayPairingStatus(
            state=PairingState(state.value),
            code=row.pairing_code if waiting else None,
            expires_at=row.created_at + rules.PAIRING_TTL if waiting else None,
        )

    @strawberry.field(description="The door display whose token this is.")
    async def this_display(self, info: Info) -> ThisDisplay:
        viewer = await info.context.viewer()
        if viewer.role is not Role.DISPLAY or viewer.room_id is None:
            raise PermissionDeniedError("only a door display's token has a display")
        room = await visible_room(info, viewer.room_id)
        tenant = await info.context.loaders.tenant.load(room.tenant_id)
        settings = TenantSettings.from_stored(tenant.settings if tenant else None)
        async with info.context.db() as session:
            row = await display_repo.get_display(
                session, display_id=viewer.token_id, tenant_id=viewer.tenant_id
            )
        language = (row.language if row else None) or settings.display_language
        return ThisDisplay(
            id=strawberry.ID(viewer.token_id),
            name=(row.name if row else None) or room.name,
            language=DisplayLanguage(language),
            check_in_required=settings.check_in_required,
            no_show_release_minutes=settings.no_show_release_minutes,
            check_in_required_since=settings.check_in_required_from(),
            room=Room.from_model(room),
            room_row=room,
            tenant_row=tenant,
        )
