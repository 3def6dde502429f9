"""Change-notification subscriptions on a mailbox's events (graph-contract.md §4).

Invariants: the lifetime is whatever Graph confirms (callers schedule renewal
from ``SubscriptionInfo.expiration``, never from an assumed maximum);
``delete_subscription`` treats an unknown id as already deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from msgraph.generated.models.subscription import Subscription

from transom.domain.calendar import SubscriptionInfo
from transom.graph._http import GraphHttp
from transom.graph.convert_mailbox import from_graph_subscription
from transom.graph.errors import GraphNotFoundError

EVENT_CHANGES = "created,updated,deleted"


class SubscriptionOperations:
    _http: GraphHttp

    async def create_subscription(
        self,
        resource_mailbox_id: str,
        notification_url: str,
        lifecycle_url: str | None,
        client_state: str,
        expiration: datetime,
    ) -> SubscriptionInfo:
        """Subscribe to ``users/{id}/events``; Graph validates both URLs first."""
        model = Subscription(
            change_type=EVENT_CHANGES,
            notification_url=notification_url,
            lifecycle_notification_url=lifecycle_url,
            resource=f"users/{resource_mailbox_id}/events",
            expiration_date_time=expiration.astimezone(UTC),
            client_state=client_state,
            latest_supported_tls_version="v1_2",
        )
        info = self._http.sdk.subscriptions.to_post_request_information(model)
        return from_graph_subscription(
            await self._http.json(info, mailbox=resource_mailbox_id)
        )

    async def renew_subscription(
        self, subscription_id: str, expiration: datetime
    ) -> SubscriptionInfo:
        model = Subscription(expiration_date_time=expiration.astimezone(UTC))
        builder = self._http.sdk.subscriptions.by_subscription_id(subscription_id)
        info = builder.to_patch_request_information(model)
        return from_graph_subscription(await self._http.json(info))

    async def fetch_subscription(self, subscription_id: str) -> SubscriptionInfo:
        """``GET /subscriptions/{id}``: GraphNotFoundError when Graph lost it."""
        builder = self._http.sdk.subscriptions.by_subscription_id(subscription_id)
        info = builder.to_get_request_information()
        return from_graph_subscription(await self._http.json(info))

    async def reauthorize_subscription(self, subscription_id: str) -> None:
        """Answer a ``reauthorizationRequired`` lifecycle event without extending."""
        builder = self._http.sdk.subscriptions.by_subscription_id(subscription_id)
        await self._http.no_content(builder.reauthorize.to_post_request_information())

    async def delete_subscription(self, subscription_id: str) -> bool:
        """Delete it; False when Graph no longer knew it."""
        builder = self._http.sdk.subscriptions.by_subscription_id(subscription_id)
        try:
            await self._http.no_content(builder.to_delete_request_information())
        except GraphNotFoundError:
            return False
        return True
