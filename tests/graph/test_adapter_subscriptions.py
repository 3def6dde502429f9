"""Change-notification subscriptions through the adapter, with a real webhook receiver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.emulator.webhook_receiver import WebhookReceiver
from tests.emulator.webhook_receiver import eventually as soon_true
from tests.graph.emulated import ROOM1, Emulated
from transom.domain.calendar import EventDraft
from transom.graph import GraphRequestError, GraphTenantClient

pytestmark = pytest.mark.anyio


def in_hours(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


async def test_subscription_is_validated_and_delivers_room_changes(
    emulated: Emulated,
    graph: GraphTenantClient,
    receiver: tuple[WebhookReceiver, str],
):
    # given
    hook, url = receiver
    room = await graph.fetch_mailbox(ROOM1)

    # when
    sub = await graph.create_subscription(
        room.user_id, f"{url}/hook", f"{url}/lifecycle", "state-1", in_hours(24)
    )
    start = datetime(2026, 11, 23, 9, tzinfo=UTC)
    await graph.create_event(
        ROOM1, EventDraft("Ping", start, start + timedelta(hours=1)), "tx-ping"
    )

    # then
    assert len(hook.validations) == 2
    assert sub.expiration > in_hours(23)
    await soon_true(
        lambda: any(n["subscriptionId"] == sub.id for n in hook.notifications)
    )
    assert {n["clientState"] for n in hook.notifications} == {"state-1"}


async def test_subscription_is_renewed_reauthorized_and_deleted_once(
    graph: GraphTenantClient, receiver: tuple[WebhookReceiver, str]
):
    # given
    _, url = receiver
    room = await graph.fetch_mailbox(ROOM1)
    sub = await graph.create_subscription(
        room.user_id, f"{url}/hook", None, "state-2", in_hours(1)
    )

    # when
    renewed = await graph.renew_subscription(sub.id, in_hours(48))
    await graph.reauthorize_subscription(sub.id)
    deleted, again = (
        await graph.delete_subscription(sub.id),
        await graph.delete_subscription(sub.id),
    )

    # then
    assert renewed.id == sub.id
    assert renewed.expiration > sub.expiration
    assert (deleted, again) == (True, False)


async def test_failed_handshake_refuses_the_subscription(
    graph: GraphTenantClient, receiver: tuple[WebhookReceiver, str]
):
    # given
    hook, url = receiver
    hook.handshake = "wrong"
    room = await graph.fetch_mailbox(ROOM1)

    # when / then
    with pytest.raises(GraphRequestError) as refused:
        await graph.create_subscription(
            room.user_id, f"{url}/hook", None, "s", in_hours(1)
        )
    assert refused.value.status == 400
