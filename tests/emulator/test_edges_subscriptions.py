"""Change notifications end to end: msgraph-sdk subscribes, a real receiver listens.

Covers contract §4: the validation handshake, delivery within a second with
``clientState``, retries when the receiver fails, lifecycle events, expiry,
renewal and the maximum lifetime.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import pytest
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.subscription import Subscription
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem

from tests.emulator.core_directory import ADELE, MEGAN, core_app
from tests.emulator.graph_clients import graph_client
from tests.emulator.webhook_receiver import WebhookReceiver, eventually
from tests.servers import serve_in_thread
from transom.emulator import CLIENT_ID, TENANT_ID

pytestmark = pytest.mark.anyio


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve_in_thread(core_app()) as url:
        yield url


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    hook = WebhookReceiver()
    with serve_in_thread(hook.app) as url:
        yield hook, url


@pytest.fixture
async def graph(emulator_url: str) -> AsyncIterator[Any]:
    async with graph_client(emulator_url) as client:
        yield client


def soon(minutes: int = 60) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def subscription(url: str, **fields: Any) -> Subscription:
    values: dict[str, Any] = {
        "change_type": "created,updated,deleted",
        "notification_url": f"{url}/hook",
        "lifecycle_notification_url": f"{url}/lifecycle",
        "resource": f"users/{ADELE}/events",
        "expiration_date_time": soon(),
        "client_state": "s3cret-state",
    }
    values.update(fields)
    return Subscription(**values)


def meeting(subject: str = "Planning") -> Event:
    day = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    return Event(
        subject=subject,
        start=DateTimeTimeZone(date_time=f"{day}T09:00:00", time_zone="UTC"),
        end=DateTimeTimeZone(date_time=f"{day}T09:30:00", time_zone="UTC"),
    )


async def test_subscription_is_created_after_the_handshake(graph: Any, receiver: Any):
    # given
    hook, url = receiver

    # when
    created = await graph.subscriptions.post(subscription(url))

    # then
    assert created.id
    assert created.client_state == "s3cret-state"
    assert created.application_id == CLIENT_ID
    assert created.change_type == "created,updated,deleted"
    assert len(hook.validations) == 2


@pytest.mark.parametrize("answer", ["wrong", "error"])
async def test_failed_handshake_refuses_the_subscription(
    graph: Any, receiver: Any, answer: str
):
    # given
    hook, url = receiver
    hook.handshake = answer

    # when
    with pytest.raises(ODataError) as failure:
        await graph.subscriptions.post(subscription(url))

    # then
    assert failure.value.response_status_code == 400
    assert failure.value.error.code == "ValidationError"
    assert failure.value.error.message.startswith(
        "Subscription validation request failed."
    )


async def test_event_change_is_notified_within_a_second(graph: Any, receiver: Any):
    # given
    hook, url = receiver
    created = await graph.subscriptions.post(subscription(url))

    # when
    event = await graph.users.by_user_id(ADELE).events.post(meeting())
    await eventually(lambda: hook.notifications, within=1.0)

    # then
    note = hook.notifications[0]
    assert note["subscriptionId"] == created.id
    assert note["clientState"] == "s3cret-state"
    assert note["changeType"] == "created"
    assert note["tenantId"] == TENANT_ID
    assert note["resource"].startswith("Users/")
    assert note["resource"].endswith(f"/Events/{event.id}")
    assert note["resourceData"]["id"] == event.id
    assert note["resourceData"]["@odata.type"] == "#Microsoft.Graph.Event"


async def test_only_requested_change_types_are_notified(graph: Any, receiver: Any):
    # given
    hook, url = receiver
    await graph.subscriptions.post(subscription(url, change_type="deleted"))
    event = await graph.users.by_user_id(ADELE).events.post(meeting())

    # when
    await graph.users.by_user_id(ADELE).events.by_event_id(event.id).delete()
    await eventually(lambda: hook.notifications, within=1.0)

    # then
    assert [n["changeType"] for n in hook.notifications] == ["deleted"]


async def test_other_mailboxes_are_not_notified(graph: Any, receiver: Any):
    # given
    hook, url = receiver
    await graph.subscriptions.post(subscription(url))

    # when
    await graph.users.by_user_id(MEGAN).events.post(meeting())
    await graph.users.by_user_id(ADELE).events.post(meeting("Adele's"))
    await eventually(lambda: hook.notifications, within=1.0)

    # then
    assert len(hook.notifications) == 1


async def test_delivery_is_retried_when_the_receiver_fails(
    graph: Any, receiver: Any, emulator_url: str
):
    # given
    hook, url = receiver
    await graph.subscriptions.post(subscription(url))
    hook.fail_next = 2

    # when
    await graph.users.by_user_id(ADELE).events.post(meeting())
    await eventually(lambda: hook.notifications, within=5.0)

    # then
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        attempts = (await control.get("/_emulator/notifications")).json()["value"]
    assert hook.failed_posts == 2
    assert [a["outcome"] for a in attempts] == ["failed", "failed", "delivered"]
    assert [a["status"] for a in attempts] == [500, 500, 202]


async def test_lifecycle_events_reach_the_lifecycle_url(
    graph: Any, receiver: Any, emulator_url: str
):
    # given
    hook, url = receiver
    created = await graph.subscriptions.post(subscription(url))
    path = f"/_emulator/subscriptions/{created.id}/lifecycle"

    # when
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        for event in ("reauthorizationRequired", "missed", "subscriptionRemoved"):
            response = await control.post(path, json={"event": event})
            assert response.status_code == 202
    await eventually(lambda: len(hook.lifecycle) == 3)

    # then
    assert {n["lifecycleEvent"] for n in hook.lifecycle} == {
        "reauthorizationRequired",
        "missed",
        "subscriptionRemoved",
    }
    assert all(n["subscriptionId"] == created.id for n in hook.lifecycle)
    assert all(n["clientState"] == "s3cret-state" for n in hook.lifecycle)
    with pytest.raises(ODataError) as gone:
        await graph.subscriptions.by_subscription_id(created.id).get()
    assert gone.value.response_status_code == 404


async def test_expired_subscription_stops_delivering(
    graph: Any, receiver: Any, emulator_url: str
):
    # given
    hook, url = receiver
    created = await graph.subscriptions.post(
        subscription(url, expiration_date_time=soon(30))
    )

    # when: an hour passes on the emulator's clock
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        await control.post("/_emulator/clock", json={"offsetSeconds": 3600})
    await graph.users.by_user_id(ADELE).events.post(meeting())
    await anyio.sleep(1.0)
    listed = await graph.subscriptions.get()
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        attempts = (await control.get("/_emulator/notifications")).json()["value"]

    # then
    assert hook.notifications == []
    assert attempts == []
    assert created.id not in [s.id for s in listed.value]


async def test_renewed_subscription_keeps_delivering(graph: Any, receiver: Any):
    # given
    hook, url = receiver
    created = await graph.subscriptions.post(
        subscription(url, expiration_date_time=soon(30))
    )
    later = soon(3 * 24 * 60)

    # when
    renewed = await graph.subscriptions.by_subscription_id(created.id).patch(
        Subscription(expiration_date_time=later)
    )
    await graph.subscriptions.by_subscription_id(created.id).reauthorize.post()
    await graph.users.by_user_id(ADELE).events.post(meeting())
    await eventually(lambda: hook.notifications, within=1.0)

    # then
    assert abs((renewed.expiration_date_time - later).total_seconds()) < 1
    assert hook.notifications[0]["subscriptionId"] == created.id


async def test_lifetime_beyond_the_maximum_is_refused(graph: Any, receiver: Any):
    # given
    _, url = receiver
    too_far = soon(10_080 + 60)

    # when
    with pytest.raises(ODataError) as failure:
        await graph.subscriptions.post(subscription(url, expiration_date_time=too_far))

    # then
    assert failure.value.response_status_code == 400


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"expiration_date_time": None}, 400),
        ({"client_state": "x" * 129}, 400),
        ({"resource": "me/events"}, 400),
        ({"change_type": "moved"}, 400),
        ({"resource": "users/nobody@contoso.onmicrosoft.com/events"}, 404),
    ],
)
async def test_invalid_subscriptions_are_refused(
    graph: Any, receiver: Any, fields: dict[str, Any], status: int
):
    # given
    _, url = receiver

    # when
    with pytest.raises(ODataError) as failure:
        await graph.subscriptions.post(subscription(url, **fields))

    # then
    assert failure.value.response_status_code == status


async def test_access_policy_forbids_subscribing_to_other_mailboxes(
    graph: Any, receiver: Any, emulator_url: str
):
    # given
    _, url = receiver
    policy = f"/_emulator/tenants/{TENANT_ID}/apps/{CLIENT_ID}/access-policy"
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        await control.put(policy, json={"mailboxes": [MEGAN]})

    # when
    with pytest.raises(ODataError) as failure:
        await graph.subscriptions.post(subscription(url))

    # then
    assert failure.value.response_status_code == 403


async def test_subscriptions_belong_to_the_app(graph: Any, receiver: Any):
    # given
    _, url = receiver
    created = await graph.subscriptions.post(subscription(url))

    # when
    listed = await graph.subscriptions.get()
    await graph.subscriptions.by_subscription_id(created.id).delete()
    after = await graph.subscriptions.get()

    # then
    assert [s.id for s in listed.value] == [created.id]
    assert after.value == []


async def test_dropped_notifications_never_arrive(
    graph: Any, receiver: Any, emulator_url: str
):
    # given
    hook, url = receiver
    await graph.subscriptions.post(subscription(url))
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        await control.post("/_emulator/notifications/drop", json={"share": 1.0})

        # when
        await graph.users.by_user_id(ADELE).events.post(meeting())
        await anyio.sleep(0.5)
        dropped = await control.get("/_emulator/notifications?outcome=dropped")

    # then
    assert hook.notifications == []
    assert len(dropped.json()["value"]) == 1


async def test_subscription_removed_by_exchange_sends_lifecycle(
    graph: Any, receiver: Any, emulator_url: str
):
    # given
    hook, url = receiver
    created = await graph.subscriptions.post(subscription(url))

    # when
    async with httpx.AsyncClient(base_url=emulator_url) as control:
        removed = await control.delete(f"/_emulator/subscriptions/{created.id}")
    await eventually(lambda: hook.lifecycle)
    await graph.users.by_user_id(ADELE).events.post(meeting())
    await anyio.sleep(0.3)

    # then
    assert removed.status_code == 204
    assert hook.lifecycle[0]["lifecycleEvent"] == "subscriptionRemoved"
    assert hook.notifications == []


async def test_notifications_arriving_together_share_one_post(
    graph: Any, receiver: Any
):
    # given
    hook, url = receiver
    await graph.subscriptions.post(subscription(url))

    events = graph.users.by_user_id(ADELE).events
    posts = {
        str(n): BatchRequestItem(events.to_post_request_information(meeting()), str(n))
        for n in range(3)
    }

    # when: one $batch writes three events at once
    answer = await graph.batch.post(BatchRequestContent(posts))
    await eventually(lambda: len(hook.notifications) == 3)

    # then
    assert answer.get_response_status_codes() == {"0": 201, "1": 201, "2": 201}
    assert len(hook.posts) < 3
