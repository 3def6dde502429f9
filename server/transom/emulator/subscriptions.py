"""Change-notification subscriptions for ``users/{id}/events`` (graph-contract.md §4).

Routes: ``POST/GET /v1.0/subscriptions``, ``GET/PATCH/DELETE /v1.0/subscriptions/{id}``
and ``POST /v1.0/subscriptions/{id}/reauthorize``. A subscription belongs to the app
that created it; other apps get 404. Creating one needs ``Calendars.Read`` (or
broader), a mailbox inside the app's access policy, an ``expirationDateTime`` in the
future and at most ``max_lifetime_minutes`` (default 10,080) ahead, a ``clientState``
of at most 128 characters, and a passed validation handshake against
``notificationUrl`` and ``lifecycleNotificationUrl`` (see
:func:`~.notifications.validate_endpoint`).

:class:`Subscriptions` listens to the store: every event write in a subscribed
mailbox whose ``changeType`` the subscription asked for enqueues one notification
(§4.3 shape) on the notifier. Expired subscriptions deliver nothing and are dropped
the next time the registry is read. Subscriptions live in memory only (a restarted
emulator has none, and ``reset`` forgets them).

Deviation from Graph: ``http://`` notification URLs are accepted for the hosts in
``insecure_hosts`` (loopback by default; the control API can add more, ``*`` for
any), because tests and the demo receive webhooks over plain HTTP. Graph requires
``https``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from transom.emulator import ids
from transom.emulator.auth import AppContext, authorize
from transom.emulator.errors import GraphError
from transom.emulator.model import Change, User
from transom.emulator.notifications import HandshakeError, Notifier, validate_endpoint
from transom.emulator.store import Emulator, iso

CHANGE_TYPES = ("created", "updated", "deleted")
LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class SubscriptionSettings:
    """Limits the control API may change."""

    max_lifetime_minutes: int = 10_080
    insecure_hosts: list[str] = field(default_factory=lambda: list(_LOOPBACK))


@dataclass
class Subscription:
    id: str
    tenant_id: str
    app_id: str
    user_id: str
    resource: str
    change_types: list[str]
    notification_url: str
    lifecycle_url: str | None
    expiration: datetime
    client_state: str | None
    tls_version: str = "v1_2"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "resource": self.resource,
            "applicationId": self.app_id,
            "changeType": ",".join(self.change_types),
            "clientState": self.client_state,
            "notificationUrl": self.notification_url,
            "notificationQueryOptions": None,
            "notificationContentType": None,
            "lifecycleNotificationUrl": self.lifecycle_url,
            "expirationDateTime": iso(self.expiration),
            "creatorId": self.app_id,
            "includeResourceData": False,
            "latestSupportedTlsVersion": self.tls_version,
            "encryptionCertificate": None,
            "encryptionCertificateId": None,
            "notificationUrlAppId": None,
        }

    def header(self) -> dict[str, Any]:
        """Fields every notification of this subscription carries."""
        fields: dict[str, Any] = {
            "subscriptionId": self.id,
            "subscriptionExpirationDateTime": iso(self.expiration),
            "tenantId": self.tenant_id,
        }
        if self.client_state is not None:
            fields["clientState"] = self.client_state
        return fields


class Subscriptions:
    """Registry of subscriptions; turns store changes into queued notifications."""

    def __init__(self, emulator: Emulator, notifier: Notifier) -> None:
        self.emulator = emulator
        self.notifier = notifier
        self.settings = SubscriptionSettings()
        self._by_id: dict[str, Subscription] = {}
        emulator.add_change_listener(self.on_change)

    def now(self) -> datetime:
        return self.emulator.clock()

    def live(self) -> list[Subscription]:
        """Unexpired subscriptions; expired ones are forgotten here."""
        now = self.now()
        for sub in [s for s in self._by_id.values() if s.expiration <= now]:
            del self._by_id[sub.id]
        return list(self._by_id.values())

    def get(self, sub_id: str, app_id: str | None = None) -> Subscription | None:
        sub = next((s for s in self.live() if s.id == sub_id), None)
        return sub if sub is not None and app_id in (None, sub.app_id) else None

    def add(self, sub: Subscription) -> None:
        self._by_id[sub.id] = sub

    def delete(self, sub_id: str) -> Subscription | None:
        return self._by_id.pop(sub_id, None)

    def clear(self) -> None:
        self._by_id.clear()

    def on_change(self, change: Change) -> None:
        for sub in self.live():
            if (sub.tenant_id, sub.user_id) != (change.tenant_id, change.user_id):
                continue
            if change.change_type in sub.change_types:
                notification = self._change_notification(sub, change)
                self.notifier.enqueue(sub.notification_url, notification)

    def _change_notification(self, sub: Subscription, change: Change) -> dict[str, Any]:
        resource = f"Users/{change.user_id}/Events/{change.event_id}"
        data: dict[str, Any] = {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": resource,
            "id": change.event_id,
        }
        tenant = self.emulator.tenants.get(change.tenant_id)
        event = (
            tenant.events.get(change.user_id, {}).get(change.event_id)
            if tenant
            else None
        )
        if event is not None and change.change_type != "deleted":
            data["@odata.etag"] = f'W/"{event.change_key}"'
        return {
            "id": ids.guid(self.emulator.rng),
            **sub.header(),
            "changeType": change.change_type,
            "resource": resource,
            "resourceData": data,
        }

    def send_lifecycle(self, sub: Subscription, event: str) -> bool:
        """Queue ``event`` for ``sub``'s lifecycle URL; False when it has none."""
        if sub.lifecycle_url is None:
            return False
        payload = {**sub.header(), "lifecycleEvent": event}
        self.notifier.enqueue(sub.lifecycle_url, payload, kind="lifecycle")
        return True

    def remove(self, sub_id: str) -> Subscription | None:
        """Remove as Exchange does: drop it and send ``subscriptionRemoved``."""
        sub = self.delete(sub_id)
        if sub is not None:
            self.send_lifecycle(sub, "subscriptionRemoved")
        return sub


# -- validation ---------------------------------------------------------------


def _bad(message: str, code: str = "InvalidRequest") -> GraphError:
    return GraphError(400, code, message)


def parse_expiration(value: Any, now: datetime, max_minutes: int) -> datetime:
    if not isinstance(value, str) or not value:
        raise _bad(
            "expirationDateTime is a required property for subscription creation."
        )
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad(f"Invalid expirationDateTime '{value}'.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    if moment <= now:
        raise _bad("Subscription expiration must be in the future.")
    if moment > now + timedelta(minutes=max_minutes):
        raise _bad(
            f"Subscription expiration can only be {max_minutes} minutes in the future."
        )
    return moment


def parse_change_types(value: Any) -> list[str]:
    parts = [p.strip() for p in value.split(",")] if isinstance(value, str) else []
    if not parts or any(p.lower() not in CHANGE_TYPES for p in parts):
        raise _bad(f"Invalid 'changeType' attribute: '{value}'.")
    return [c for c in CHANGE_TYPES if c in {p.lower() for p in parts}]


def check_url(url: Any, name: str, insecure_hosts: list[str]) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or not parts.hostname or parts.scheme not in ("http", "https"):
        raise _bad(f"Invalid {name} '{url}'.")
    host_ok = "*" in insecure_hosts or parts.hostname in insecure_hosts
    if parts.scheme != "https" and not host_ok:
        raise _bad(f"The {name} must use https: '{url}'.")
    assert isinstance(url, str)
    return url


def resolve_mailbox(emulator: Emulator, context: AppContext, resource: Any) -> User:
    """The mailbox of ``users/{id}/events`` (or ``/calendar/events``)."""
    segments = [s for s in str(resource).split("/") if s] if resource else []
    if segments and segments[0].lower() == "me":
        raise _bad(
            "/me request is only valid with delegated authentication flow.",
            "BadRequest",
        )
    tail = [s.lower() for s in segments[2:]]
    if (
        len(segments) < 3
        or segments[0].lower() != "users"
        or tail
        not in (
            ["events"],
            ["calendar", "events"],
        )
    ):
        raise _bad(
            f"Resource '{resource}' is not supported for subscriptions.",
            "ExtensionError",
        )
    user = emulator.find_user(context.tenant, segments[1])
    if user is None or not user.has_mailbox:
        raise GraphError(
            404,
            "ExtensionError",
            "Operation: Create; Exception: [Status Code: NotFound; "
            f"Reason: The requested user '{segments[1]}' is invalid.]",
        )
    policy = context.app.access_policy
    if policy is not None and not set(user.addresses()) & set(policy):
        raise GraphError(
            403,
            "ExtensionError",
            "Operation: Create; Exception: [Status Code: Forbidden; "
            "Reason: Access to OData is disabled.]",
        )
    return user


# -- routes -------------------------------------------------------------------


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        raise _bad("Unable to read JSON request payload.", "BadRequest") from exc
    if not isinstance(body, dict):
        raise _bad("Unable to read JSON request payload.", "BadRequest")
    return body


def _not_found(sub_id: str) -> GraphError:
    return GraphError(404, "ResourceNotFound", f"The object '{sub_id}' doesn't exist.")


async def _handshake(url: str) -> None:
    try:
        await validate_endpoint(url, secrets.token_urlsafe(24))
    except HandshakeError as exc:
        raise _bad(exc.message, exc.code) from exc


class SubscriptionRoutes:
    """Graph's ``/subscriptions`` endpoints over a :class:`Subscriptions` registry."""

    def __init__(self, emulator: Emulator, subscriptions: Subscriptions) -> None:
        self.emulator = emulator
        self.subs = subscriptions

    def routes(self) -> list[Route]:
        return [
            Route("/v1.0/subscriptions", self.create, methods=["POST"]),
            Route("/v1.0/subscriptions", self.list, methods=["GET"]),
            Route("/v1.0/subscriptions/{sub_id}", self.get, methods=["GET"]),
            Route("/v1.0/subscriptions/{sub_id}", self.renew, methods=["PATCH"]),
            Route("/v1.0/subscriptions/{sub_id}", self.delete, methods=["DELETE"]),
            Route(
                "/v1.0/subscriptions/{sub_id}/reauthorize",
                self.reauthorize,
                methods=["POST"],
            ),
        ]

    def _context(self, request: Request) -> AppContext:
        return authorize(request, self.emulator, role="Calendars.Read")

    def _own(self, request: Request) -> tuple[AppContext, Subscription]:
        context = self._context(request)
        sub_id = request.path_params["sub_id"]
        sub = self.subs.get(sub_id, context.app.client_id)
        if sub is None or sub.tenant_id != context.tenant.id:
            raise _not_found(sub_id)
        return context, sub

    async def create(self, request: Request) -> Response:
        context = self._context(request)
        body = await _json_body(request)
        settings = self.subs.settings
        user = resolve_mailbox(self.emulator, context, body.get("resource"))
        change_types = parse_change_types(body.get("changeType"))
        hosts = settings.insecure_hosts
        url = check_url(body.get("notificationUrl"), "notificationUrl", hosts)
        lifecycle = body.get("lifecycleNotificationUrl")
        if lifecycle is not None:
            lifecycle = check_url(lifecycle, "lifecycleNotificationUrl", hosts)
        expiration = parse_expiration(
            body.get("expirationDateTime"),
            self.subs.now(),
            settings.max_lifetime_minutes,
        )
        client_state = body.get("clientState")
        if client_state is not None and (
            not isinstance(client_state, str) or len(client_state) > 128
        ):
            raise _bad("clientState must be a string of at most 128 characters.")
        await _handshake(url)
        if lifecycle is not None:
            await _handshake(lifecycle)
        sub = Subscription(
            id=ids.guid(self.emulator.rng),
            tenant_id=context.tenant.id,
            app_id=context.app.client_id,
            user_id=user.id,
            resource=str(body["resource"]),
            change_types=change_types,
            notification_url=url,
            lifecycle_url=lifecycle,
            expiration=expiration,
            client_state=client_state,
            tls_version=str(body.get("latestSupportedTlsVersion") or "v1_2"),
        )
        self.subs.add(sub)
        return self._answer(sub, status=201)

    def _answer(self, sub: Subscription, status: int = 200) -> Response:
        context = f"{self.emulator.public_graph_url}/$metadata#subscriptions/$entity"
        return JSONResponse({"@odata.context": context, **sub.to_json()}, status)

    async def list(self, request: Request) -> Response:
        context = self._context(request)
        mine = [
            s.to_json()
            for s in self.subs.live()
            if (s.tenant_id, s.app_id) == (context.tenant.id, context.app.client_id)
        ]
        odata = f"{self.emulator.public_graph_url}/$metadata#subscriptions"
        return JSONResponse({"@odata.context": odata, "value": mine})

    async def get(self, request: Request) -> Response:
        _, sub = self._own(request)
        return self._answer(sub)

    async def renew(self, request: Request) -> Response:
        _, sub = self._own(request)
        body = await _json_body(request)
        if "lifecycleNotificationUrl" in body:
            raise _bad("lifecycleNotificationUrl can only be set at creation.")
        if "notificationUrl" in body:
            hosts = self.subs.settings.insecure_hosts
            url = check_url(body["notificationUrl"], "notificationUrl", hosts)
            await _handshake(url)
            sub.notification_url = url
        if "expirationDateTime" in body:
            max_minutes = self.subs.settings.max_lifetime_minutes
            sub.expiration = parse_expiration(
                body["expirationDateTime"], self.subs.now(), max_minutes
            )
        return self._answer(sub)

    async def delete(self, request: Request) -> Response:
        _, sub = self._own(request)
        self.subs.delete(sub.id)
        return Response(status_code=204)

    async def reauthorize(self, request: Request) -> Response:
        self._own(request)
        return Response(status_code=204)
