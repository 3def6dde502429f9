"""Linking a room to its Exchange resource mailbox, and unlinking it.

Link state machine (``room.link_state``)::

    UNLINKED|FAILED|VERIFIED --linkRoomMailbox--> VERIFYING
    VERIFYING --mailbox found, is a room/resource, calendar readable--> VERIFIED
    VERIFYING --otherwise--> FAILED (link_error, link_error_code, link_hint)
    VERIFIED --unlinkRoomMailbox(confirm)--> UNLINKED

Failure codes: NOT_CONNECTED, NO_SUCH_MAILBOX, NO_EXCHANGE_MAILBOX,
NOT_A_RESOURCE, ACCESS_DENIED, ERROR.

On VERIFIED, the room's future bookings made locally (never sent to Exchange:
no graph_event_id, ical_uid or organizer_event_id) are deleted and the sync
state is reset, so the mailbox loop imports the room's calendar from scratch;
Exchange is the source of truth. Unlinking deletes the Graph subscription and
the bookings that came from Exchange (source OUTLOOK), keeping Transom's own.
"""

from __future__ import annotations

from datetime import datetime

import anyio
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transom.db import models
from transom.domain.bookings import BookingSource
from transom.domain.connection import LinkState
from transom.domain.errors import ConflictError, InvalidInputError, NotFoundError
from transom.graph import (
    GraphAuthError,
    GraphError,
    MailboxAccessDeniedError,
    MailboxNotFoundError,
)
from transom.sync.connection import record_auth_failure
from transom.sync.credentials import MissingCredentialsError
from transom.sync.env import SyncEnv, wall_clock
from transom.sync.state import start_full_round, state_for_room
from transom.sync.subscriptions import delete_subscription

VERIFY_TIMEOUT = 60.0
NOT_A_RESOURCE_HINT = (
    "Pick the room's resource mailbox (Exchange admin center > Resources), "
    "not a user or shared mailbox."
)


class LinkFailedError(Exception):
    def __init__(self, code: str, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


async def start_link(env: SyncEnv, room_id: str, email: str) -> models.Room:
    """Record the address and VERIFYING (committed, so the UI can show it)."""
    address = email.strip().lower()
    if "@" not in address:
        raise InvalidInputError(f"{email!r} is not an e-mail address", field="email")
    async with env.sessions() as session:
        room = await session.get(models.Room, room_id)
        if room is None:
            raise NotFoundError.of("Room", room_id)
        taken = await session.scalar(
            select(models.Room.id).where(
                models.Room.tenant_id == room.tenant_id,
                models.Room.mailbox_email == address,
                models.Room.id != room_id,
            )
        )
        if taken is not None:
            raise ConflictError(f"another room is already linked to {address}")
        room.mailbox_email = address
        room.link_state = LinkState.VERIFYING.value
        room.link_error = room.link_error_code = room.link_hint = None
        await session.commit()
    await env.room_changed(room.tenant_id, room.id)
    return room


async def verify_link(env: SyncEnv, room_id: str) -> models.Room:
    """VERIFYING -> VERIFIED (local future bookings replaced) or FAILED."""
    async with env.sessions() as session:
        room = await session.get(models.Room, room_id)
        tenant = await session.get(models.Tenant, room.tenant_id) if room else None
    if room is None or tenant is None or room.mailbox_email is None:
        raise NotFoundError.of("Room", room_id)
    try:
        user_id = await _check_mailbox(env, tenant, room.mailbox_email)
    except LinkFailedError as exc:
        return await _fail(env, room_id, exc)
    return await _verified(env, room_id, user_id)


async def _check_mailbox(env: SyncEnv, tenant: models.Tenant, mailbox: str) -> str:
    try:
        graph = await env.clients.client(tenant)
        with anyio.fail_after(VERIFY_TIMEOUT):
            info = await graph.fetch_mailbox(mailbox)
            if not info.is_resource:
                rooms = await graph.fetch_rooms()
                if mailbox not in {r.email for r in rooms}:
                    raise LinkFailedError(
                        "NOT_A_RESOURCE",
                        f"{mailbox} is a {info.purpose.value.lower()} mailbox, "
                        "not a room or resource",
                        NOT_A_RESOURCE_HINT,
                    )
            await graph.verify_calendar_access(mailbox, now=env.clock())
    except MissingCredentialsError as exc:
        raise LinkFailedError("NOT_CONNECTED", str(exc), exc.hint) from exc
    except MailboxNotFoundError as exc:
        raise LinkFailedError(exc.problem.value, exc.message, exc.hint) from exc
    except MailboxAccessDeniedError as exc:
        raise LinkFailedError("ACCESS_DENIED", exc.message, exc.hint) from exc
    except GraphAuthError as exc:
        await record_auth_failure(env, tenant.id, exc, mailbox=mailbox)
        raise LinkFailedError("NOT_CONNECTED", exc.message, exc.hint) from exc
    except GraphError as exc:
        raise LinkFailedError(exc.code or "ERROR", exc.message, exc.hint) from exc
    except TimeoutError as exc:
        raise LinkFailedError("ERROR", "Graph did not answer in time", None) from exc
    return info.user_id


async def _fail(env: SyncEnv, room_id: str, exc: LinkFailedError) -> models.Room:
    async with env.sessions() as session:
        room = await session.get(models.Room, room_id)
        assert room is not None
        room.link_state = LinkState.FAILED.value
        room.link_error, room.link_error_code = exc.message, exc.code
        room.link_hint = exc.hint
        await session.commit()
    await env.room_changed(room.tenant_id, room_id)
    return room


async def _verified(env: SyncEnv, room_id: str, user_id: str) -> models.Room:
    now = env.clock()
    async with env.sessions() as session:
        room = await session.get(models.Room, room_id)
        assert room is not None
        room.link_state = LinkState.VERIFIED.value
        room.graph_user_id = user_id
        await _delete_local_future(session, room_id, now)
        state = await state_for_room(session, tenant_id=room.tenant_id, room=room)
        window = (state.window_start or now, state.window_end or now)
        start_full_round(state, window=window, started_at=wall_clock())
        state.window_start = state.window_end = None  # loop picks today's window
        await session.commit()
    await env.room_changed(room.tenant_id, room_id)
    return room


async def _delete_local_future(
    session: AsyncSession, room_id: str, now: datetime
) -> None:
    await session.execute(
        delete(models.Booking).where(
            models.Booking.room_id == room_id,
            models.Booking.end > now,
            models.Booking.graph_event_id.is_(None),
            models.Booking.ical_uid.is_(None),
            models.Booking.organizer_event_id.is_(None),
        )
    )


async def exchange_booking_count(env: SyncEnv, room_id: str) -> int:
    async with env.sessions() as session:
        count = await session.scalar(
            select(func.count()).where(
                models.Booking.room_id == room_id,
                models.Booking.source == BookingSource.OUTLOOK.value,
            )
        )
    return int(count or 0)


async def unlink(env: SyncEnv, room_id: str) -> tuple[models.Room, int]:
    """Delete the subscription and Exchange's bookings; the loop must be stopped."""
    async with env.sessions() as session:
        room = await session.get(models.Room, room_id)
        if room is None:
            raise NotFoundError.of("Room", room_id)
        tenant = await session.get(models.Tenant, room.tenant_id)
        state = (
            await state_for_room(session, tenant_id=room.tenant_id, room=room)
            if room.mailbox_email
            else None
        )
        await session.commit()
    if state is not None and state.subscription_id and tenant is not None:
        try:
            graph = await env.clients.client(tenant)
            with anyio.fail_after(VERIFY_TIMEOUT):
                await delete_subscription(env, graph, state)
        except (GraphError, MissingCredentialsError, TimeoutError):
            # It expires by itself within days; notifications for it are ignored.
            env.subscriptions.pop(state.subscription_id, None)
    async with env.sessions() as session:
        result = await session.execute(
            delete(models.Booking).where(
                models.Booking.room_id == room_id,
                models.Booking.source == BookingSource.OUTLOOK.value,
            )
        )
        await session.execute(
            delete(models.MailboxSyncState).where(
                models.MailboxSyncState.room_id == room_id
            )
        )
        row = await session.get(models.Room, room_id)
        assert row is not None
        row.link_state = LinkState.UNLINKED.value
        row.link_error = row.link_error_code = row.link_hint = None
        row.graph_user_id = None
        await session.commit()
    await env.room_changed(row.tenant_id, room_id)
    return row, int(getattr(result, "rowcount", 0) or 0)
