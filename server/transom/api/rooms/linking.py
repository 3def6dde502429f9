"""Linking rooms to their Exchange resource mailboxes."""

from __future__ import annotations

from typing import Annotated

import strawberry

from transom.api.audit.recorder import note_change
from transom.api.context import Info
from transom.api.payloads import Payload, UserErrors
from transom.api.rooms.types import Room, visible_room
from transom.api.tenants.connection import sync_commands
from transom.domain.audit import AuditTarget


@strawberry.type(description="What unlinkRoomMailbox answers: what unlinking removed.")
class UnlinkRoomMailboxPayload(Payload):
    room: Room | None = strawberry.field(
        default=None, description="The unlinked room; null when refused."
    )
    removed_bookings: int | None = strawberry.field(
        default=None,
        description="Bookings that came from Exchange and were removed; null when "
        "refused.",
    )


async def _admin_room(info: Info, room_id: str) -> Room:
    viewer = await info.context.viewer()
    viewer.require_admin()
    return Room.from_model(await visible_room(info, room_id))


async def _fresh_room(info: Info, before: Room) -> Room:
    """The room as it is now; its mailbox link noted for the audit log."""
    info.context.loaders.room.clear(before.id)
    after = Room.from_model(await visible_room(info, before.id))
    note_change(
        info,
        tenant_id=after.tenant_id,
        target=AuditTarget("Room", after.id, after.name),
        before=_link(before),
        after=_link(after),
    )
    return after


def _link(room: Room) -> dict[str, object]:
    return {"mailbox": room.mailbox, "linkState": room.link_state}


@strawberry.type(description="What linkRoomMailbox answers.")
class LinkRoomMailboxPayload(Payload):
    room: Room | None = strawberry.field(
        default=None, description="The room with its linkState; null when refused."
    )


@strawberry.type
class RoomLinkingMutations:
    @strawberry.mutation(
        description="Link the room to a resource mailbox: checks that it exists, is "
        "a room or resource and that its calendar is readable (linkState VERIFIED, "
        "else FAILED with linkError, linkErrorCode and linkHint). When verified, the "
        "room's future local bookings are replaced by its Exchange calendar."
    )
    async def link_room_mailbox(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID, strawberry.argument(description="The room to link.")
        ],
        email: Annotated[
            str, strawberry.argument(description="The Exchange room mailbox's address.")
        ],
    ) -> LinkRoomMailboxPayload | None:
        with UserErrors(info) as errors:
            before = await _admin_room(info, room_id)
            await sync_commands(info).link_room(room_id, email)
            return LinkRoomMailboxPayload(room=await _fresh_room(info, before))
        return errors.payload(LinkRoomMailboxPayload)

    @strawberry.mutation(
        description="Stop syncing the room, delete its Graph subscription and remove "
        "the bookings that came from Exchange. Without confirm: true it answers "
        "a BAD_USER_INPUT userError saying what would be removed."
    )
    async def unlink_room_mailbox(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID, strawberry.argument(description="The room to unlink.")
        ],
        confirm: Annotated[
            bool,
            strawberry.argument(
                description="Must be true: unlinking removes the bookings that came from Exchange."
            ),
        ],
    ) -> UnlinkRoomMailboxPayload | None:
        with UserErrors(info) as errors:
            before = await _admin_room(info, room_id)
            removed = await sync_commands(info).unlink_room(room_id, confirm=confirm)
            return UnlinkRoomMailboxPayload(
                room=await _fresh_room(info, before), removed_bookings=removed
            )
        return errors.payload(UnlinkRoomMailboxPayload)
