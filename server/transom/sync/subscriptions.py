"""One mailbox's change-notification subscription: verify, create, renew,
reauthorize, recreate.

State machine (persisted in ``MailboxSyncState``)::

    none --create ok--> ACTIVE(id, expiry, clientState)       mode NOTIFICATIONS
    none --no public URL / validation failed--> none          mode POLLING
    ACTIVE --first step of a loop (start-up), delta token expired (410),
             changes found without a notification--> verify (GET /subscriptions/{id})
    ACTIVE --renew due (half the remaining lifetime, <= 1 day before expiry)--> ACTIVE
    ACTIVE --reauthorizationRequired--> reauthorize --> ACTIVE
    ACTIVE --subscriptionRemoved / verify, renew or reauthorize 404--> none
           --create--> ACTIVE, doubted RECREATED (+ delta catch-up)

Invariants: renewal is scheduled from the ``expirationDateTime`` Graph returns,
never from an assumed lifetime; in POLLING mode creation is retried every
``RETRY_SUBSCRIBE``; the webhook index (``SyncEnv.subscriptions``) always
matches the stored id and clientState; a subscription Graph lost is recreated
in the same step that finds it gone, and the mailbox says so
(``transom.domain.sync_health``) until notifications are seen again. The
polling warning in the sync log is resolved once a subscription exists.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transom.db import models
from transom.domain.connection import SyncMode
from transom.domain.sync_health import DoubtKind, LogCause
from transom.graph import GraphNotFoundError, GraphRequestError, GraphTenantClient
from transom.sync.env import SyncEnv
from transom.sync.state import owner_key

GONE = "Microsoft 365 no longer had this mailbox's change subscription"
REQUESTED_LIFETIME = timedelta(minutes=4200)  # under both documented caps (4230, 10080)
MAX_RENEW_MARGIN = timedelta(days=1)
RETRY_SUBSCRIBE = timedelta(hours=1)
WEBHOOK_PATH = "/webhooks/graph"


@dataclass
class SubscriptionPlan:
    """What the loop keeps in memory between steps."""

    renew_at: datetime | None = None
    retry_at: datetime | None = None
    action: str | None = None  # "verify" | "renew" | "reauthorize" | "recreate"
    verified: bool = False  # checked with Graph since this loop started
    gone: str | None = None  # why the subscription is being recreated
    logs: list[models.SyncLogEntry] = field(default_factory=list)
    resolved: set[LogCause] = field(default_factory=set)

    def request(self, action: str) -> None:
        """Ask for ``action`` unless a stronger one is pending."""
        order = ("verify", "renew", "reauthorize", "recreate")
        if self.action is None or order.index(action) > order.index(self.action):
            self.action = action


def renew_time(now: datetime, expires: datetime) -> datetime:
    remaining = expires - now
    return expires - min(MAX_RENEW_MARGIN, remaining / 2)


def webhook_url(env: SyncEnv) -> str | None:
    base = env.settings.public_url
    return f"{base.rstrip('/')}{WEBHOOK_PATH}" if base else None


async def ensure_subscription(
    env: SyncEnv,
    graph: GraphTenantClient,
    state: models.MailboxSyncState,
    plan: SubscriptionPlan,
    now: datetime,
) -> bool:
    """Bring the subscription up to date; True when it was (re)created.

    Mutates the detached ``state`` (the caller merges and commits it) and
    ``plan`` (``plan.logs`` holds sync-log entries for the caller to add).
    """
    url = webhook_url(env)
    if url is None:
        _polling(env, plan, state, "TRANSOM_PUBLIC_URL is not set", None)
        return False
    action, plan.action = plan.action, None
    if state.subscription_id and not plan.verified and action is None:
        action = "verify"
    if state.subscription_id and action == "verify":
        action = await _verify(graph, state, plan, now)
    if state.subscription_id and action == "reauthorize":
        try:
            await graph.reauthorize_subscription(state.subscription_id)
            return False
        except GraphNotFoundError:
            action = "recreate"
            plan.gone = plan.gone or GONE
    if state.subscription_id and action != "recreate":
        expires = state.subscription_expires_at or now
        plan.renew_at = plan.renew_at or renew_time(now, expires)
        if action != "renew" and now < plan.renew_at:
            return False
        try:
            info = await graph.renew_subscription(
                state.subscription_id, now + REQUESTED_LIFETIME
            )
        except GraphNotFoundError:
            action = "recreate"
            plan.gone = plan.gone or GONE
        else:
            state.subscription_expires_at = info.expiration
            plan.renew_at = renew_time(now, info.expiration)
            return False
    if state.subscription_id is None and plan.retry_at and now < plan.retry_at:
        return False
    created = await _create(env, graph, state, plan, now, url)
    if created and plan.gone is not None:
        _doubt_recreated(state, plan, now)
    return created


async def _verify(
    graph: GraphTenantClient,
    state: models.MailboxSyncState,
    plan: SubscriptionPlan,
    now: datetime,
) -> str | None:
    """GET the stored subscription; "recreate" when Graph no longer has it."""
    assert state.subscription_id is not None
    try:
        info = await graph.fetch_subscription(state.subscription_id)
    except GraphNotFoundError:
        plan.gone = plan.gone or GONE
        return "recreate"
    plan.verified = True
    state.subscription_expires_at = info.expiration
    plan.renew_at = renew_time(now, info.expiration)
    return None


def _doubt_recreated(
    state: models.MailboxSyncState, plan: SubscriptionPlan, now: datetime
) -> None:
    """A lost subscription was replaced: say so until notifications are seen."""
    message = (
        f"{plan.gone}; a new one was made at {now:%H:%M} UTC and missed changes "
        "were read again. Waiting for Microsoft 365 to deliver notifications."
    )
    plan.gone = None
    doubt(state, DoubtKind.RECREATED, message, now)
    plan.logs.append(
        models.SyncLogEntry(
            tenant_id=state.tenant_id,
            room_id=state.room_id,
            mailbox=state.mailbox,
            level="WARNING",
            code="SUBSCRIPTION_RECREATED",
            message=message,
            hint="Nothing to do: this clears when notifications arrive again.",
            cause=LogCause.NOTIFICATIONS.value,
        )
    )


def doubt(
    state: models.MailboxSyncState, kind: DoubtKind, message: str, now: datetime
) -> bool:
    """Record that notifications are not known to arrive; True if newly so."""
    fresh = state.doubted_since is None
    if fresh or state.doubt_kind != DoubtKind.LOST.value:
        state.doubt_kind = kind.value  # LOST is the stronger doubt: it stays
    if fresh:
        state.doubted_since = now
    state.doubt = message if fresh or kind is DoubtKind.LOST else state.doubt
    return fresh


def clear_doubt(state: models.MailboxSyncState) -> bool:
    """Notifications are known to arrive again; True if there was a doubt."""
    had = state.doubted_since is not None
    state.doubted_since = state.doubt = state.doubt_kind = None
    return had


async def _create(
    env: SyncEnv,
    graph: GraphTenantClient,
    state: models.MailboxSyncState,
    plan: SubscriptionPlan,
    now: datetime,
    url: str,
) -> bool:
    if state.subscription_id:
        env.subscriptions.pop(state.subscription_id, None)
        state.subscription_id = None
    client_state = secrets.token_urlsafe(32)
    try:
        info = await graph.create_subscription(
            state.mailbox, url, url, client_state, now + REQUESTED_LIFETIME
        )
    except GraphRequestError as exc:
        plan.retry_at = now + RETRY_SUBSCRIBE
        _polling(env, plan, state, f"Graph cannot deliver notifications to {url}", exc)
        return False
    state.subscription_id = info.id
    state.subscription_expires_at = info.expiration
    state.client_state = client_state
    state.mode = SyncMode.NOTIFICATIONS.value
    plan.renew_at = renew_time(now, info.expiration)
    plan.retry_at = None
    plan.verified = True
    plan.resolved.add(LogCause.POLLING)
    env.subscriptions[info.id] = (owner_key(state), client_state)
    return True


async def delete_subscription(
    env: SyncEnv, graph: GraphTenantClient, state: models.MailboxSyncState
) -> None:
    if state.subscription_id:
        env.subscriptions.pop(state.subscription_id, None)
        await graph.delete_subscription(state.subscription_id)
        state.subscription_id = None
        state.subscription_expires_at = None


def _polling(
    env: SyncEnv,
    plan: SubscriptionPlan,
    state: models.MailboxSyncState,
    reason: str,
    error: GraphRequestError | None,
) -> None:
    if state.mode == SyncMode.POLLING.value:
        return
    state.mode = SyncMode.POLLING.value
    seconds = env.settings.poll_interval_seconds
    detail = f" ({error.message})" if error else ""
    plan.logs.append(
        models.SyncLogEntry(
            tenant_id=state.tenant_id,
            room_id=state.room_id,
            mailbox=state.mailbox,
            level="WARNING",
            code=error.code if error else None,
            message=f"{reason}{detail}: polling for changes every {seconds:g} s.",
            hint="Set TRANSOM_PUBLIC_URL to an https URL Microsoft Graph can reach "
            "for changes within seconds.",
            cause=LogCause.POLLING.value,
        )
    )
