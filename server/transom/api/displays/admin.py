"""Door displays for admins: list, pair to a room, rename, set language, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from transom.api.audit.recorder import note_change
from transom.api.context import Info
from transom.api.enums import DisplayLanguage, PairingState
from transom.api.node import Node
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import Room, visible_room
from transom.api.scope import tenant_scope
from transom.db import displays as display_repo
from transom.db import models
from transom.domain import displays as rules
from transom.domain.audit import AuditTarget, camel_keys
from transom.domain.errors import InvalidInputError, NotFoundError
from transom.pubsub import (
    access_channel,
    display_channel,
    room_channel,
    tenant_channel,
)


@strawberry.type(
    description="A display: a door display paired to one room, or a lobby "
    "display paired to a building (or one floor of it)."
)
class Display(Node):
    id: strawberry.ID = strawberry.field(description="The display's id.")
    name: str = strawberry.field(description="A name for admins (default: the room's).")
    room_id: strawberry.ID | None = strawberry.field(
        description="A door display's room; null for a lobby display, or when "
        "the room was deleted."
    )
    building: str | None = strawberry.field(
        default=None,
        description="A lobby display's building; null for a door display.",
    )
    floor: str | None = strawberry.field(
        default=None,
        description="The one floor a lobby display shows; null: every floor "
        "(or a door display).",
    )
    language: DisplayLanguage | None = strawberry.field(
        description="Overrides the tenant's display language; null: the tenant's."
    )
    state: PairingState = strawberry.field(
        description="Where the display is in its life."
    )
    paired_at: datetime | None = strawberry.field(
        description="When it was paired (UTC); null while not paired."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked (UTC); null unless REVOKED."
    )
    last_seen_at: datetime | None = strawberry.field(
        description="When the display last reached Transom (30 s resolution)."
    )
    online: bool = strawberry.field(
        description="Seen within the last 2 minutes (a live display checks in "
        "at least every minute)."
    )

    @classmethod
    def from_model(cls, row: models.Display, now: datetime) -> Display:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name or "",
            room_id=strawberry.ID(row.room_id) if row.room_id else None,
            building=row.building if row.room_id is None else None,
            floor=row.floor if row.room_id is None else None,
            language=DisplayLanguage(row.language) if row.language else None,
            state=PairingState(display_repo.state_of(row, now).value),
            paired_at=row.paired_at,
            revoked_at=row.revoked_at,
            last_seen_at=row.last_seen_at,
            online=row.revoked_at is None and rules.is_online(row.last_seen_at, now),
        )

    @strawberry.field(description="The room it shows; null when it was deleted.")
    async def room(self, info: Info) -> Room | None:
        if self.room_id is None:
            return None
        row = await info.context.loaders.room.load(self.room_id)
        return Room.from_model(row) if row is not None else None


async def visible_display(info: Info, display_id: str) -> models.Display:
    """A display of the viewer's tenant; otherwise NOT_FOUND."""
    viewer = await info.context.viewer()
    if viewer.is_display:
        raise NotFoundError.of("Display", display_id)
    scope = None if viewer.is_superadmin else viewer.tenant_id
    async with info.context.db() as session:
        row = await display_repo.get_display(
            session, display_id=display_id, tenant_id=scope
        )
    if row is None:
        raise NotFoundError.of("Display", display_id)
    return row


async def publish_display_changed(info: Info, row: models.Display) -> None:
    """Tell the admin lists and the display's own live connections."""
    bus = info.context.services.bus
    event = {"type": "display", "displayId": row.id}
    await bus.publish(display_channel(row.id), event)
    if row.tenant_id is not None:
        await bus.publish(tenant_channel(row.tenant_id), event)
    if row.room_id is not None:
        await bus.publish(room_channel(row.room_id), event)


@strawberry.type
class DisplayQueries:
    @strawberry.field(description="The tenant's paired displays, by name (≤ 1000).")
    async def displays(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this tenant: superadmins may pick any; others may give only their own. Omitted: your tenant (every tenant for a superadmin)."
            ),
        ] = None,
    ) -> list[Display] | None:
        viewer = await info.context.viewer()
        if viewer.is_display:
            return []
        scope = tenant_scope(viewer, tenant_id)
        if scope is None:
            raise InvalidInputError("say which tenant", field="tenantId")
        async with info.context.db() as session:
            rows = await display_repo.list_displays(session, tenant_id=scope)
        now = info.context.now
        return [Display.from_model(row, now) for row in rows]

    @strawberry.field(description="One display by id.")
    async def display(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The display's id.")
        ],
    ) -> Display | None:
        return Display.from_model(await visible_display(info, id), info.context.now)


@strawberry.type(description="What pairDisplay answers.")
class PairDisplayPayload(Payload):
    display: Display | None = strawberry.field(
        default=None, description="The paired display; null when refused."
    )


@strawberry.type(description="What renameDisplay answers.")
class RenameDisplayPayload(Payload):
    display: Display | None = strawberry.field(
        default=None, description="The renamed display; null when refused."
    )


@strawberry.type(description="What setDisplayLanguage answers.")
class SetDisplayLanguagePayload(Payload):
    display: Display | None = strawberry.field(
        default=None, description="The display with its language; null when refused."
    )


@strawberry.type(description="What revokeDisplay answers.")
class RevokeDisplayPayload(Payload):
    display: Display | None = strawberry.field(
        default=None, description="The revoked display; null when refused."
    )


@strawberry.type
class DisplayMutations:
    @strawberry.mutation(
        description="Pair the display showing `code` to a room (the room's admins). "
        "The display then shows that room and nothing else."
    )
    async def pair_display(
        self,
        info: Info,
        code: Annotated[
            str, strawberry.argument(description="The pairing code the display shows.")
        ],
        room_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The room the display stands beside."),
        ],
        name: Annotated[
            str | None, strawberry.argument(description="Default: the room's name.")
        ] = None,
    ) -> PairDisplayPayload | None:
        with UserErrors(info) as errors:
            viewer = await info.context.viewer()
            viewer.require_admin()
            room = await visible_room(info, room_id)
            normalized = rules.normalize_code(code)
            label = rules.check_name(name if name is not None else room.name)
            now = info.context.now
            async with info.context.db() as session:
                row = await display_repo.find_pending_by_code(
                    session, code=normalized, now=now
                )
                if row is None:
                    raise InvalidInputError(
                        "no display shows this code (codes expire after 15 minutes)",
                        field="code",
                    )
                display_repo.pair(
                    row, tenant_id=room.tenant_id, room_id=room.id, name=label, now=now
                )
                await session.commit()
            note_change(
                info,
                tenant_id=room.tenant_id,
                target=AuditTarget("Display", row.id, row.name),
                after={"roomId": room.id, "room": room.name, "name": label},
            )
            await publish_display_changed(info, row)
            return PairDisplayPayload(display=Display.from_model(row, now))
        return errors.payload(PairDisplayPayload)

    @strawberry.mutation(description="Rename a display.")
    async def rename_display(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The display.")],
        name: Annotated[
            str, strawberry.argument(description="Its new name (1 to 200 characters).")
        ],
    ) -> RenameDisplayPayload | None:
        with UserErrors(info) as errors:
            return RenameDisplayPayload(
                display=await _change(info, id, name=rules.check_name(name))
            )
        return errors.payload(RenameDisplayPayload)

    @strawberry.mutation(
        description="Set a display's language; null: follow the tenant's setting."
    )
    async def set_display_language(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The display.")],
        language: Annotated[
            DisplayLanguage | None,
            strawberry.argument(description="Its language; null: the tenant's."),
        ],
    ) -> SetDisplayLanguagePayload | None:
        with UserErrors(info) as errors:
            return SetDisplayLanguagePayload(
                display=await _change(
                    info, id, language=language.value if language else None
                )
            )
        return errors.payload(SetDisplayLanguagePayload)

    @strawberry.mutation(
        description="Revoke a display: its token stops working at once and its "
        "live connections close. Pair it again to reuse it."
    )
    async def revoke_display(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The display to revoke; its sockets close at once."
            ),
        ],
    ) -> RevokeDisplayPayload | None:
        with UserErrors(info) as errors:
            now = info.context.now
            return RevokeDisplayPayload(display=await _change(info, id, revoked_at=now))
        return errors.payload(RevokeDisplayPayload)


async def _change(info: Info, display_id: str, **values: object) -> Display:
    viewer = await info.context.viewer()
    viewer.require_admin()
    await visible_display(info, display_id)
    async with info.context.db() as session:
        row = await display_repo.get_display(
            session, display_id=display_id, tenant_id=None
        )
        if row is None:
            raise NotFoundError.of("Display", display_id)
        before = {key: getattr(row, key) for key in values}
        for key, value in values.items():
            if key != "revoked_at" or row.revoked_at is None:
                setattr(row, key, value)
        await session.commit()
    note_change(
        info,
        tenant_id=row.tenant_id,
        target=AuditTarget("Display", row.id, row.name),
        before=camel_keys(before),
        after=camel_keys({key: getattr(row, key) for key in values}),
    )
    await publish_display_changed(info, row)
    if "revoked_at" in values:  # its open websockets close (any process)
        await info.context.services.bus.publish(
            access_channel(row.id), {"type": "revoked"}
        )
    return Display.from_model(row, info.context.now)
