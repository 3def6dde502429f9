"""The control API for tests and the demo, under ``/_emulator/`` (never under /v1.0).

No authentication: bind the emulator to a trusted interface. JSON in, JSON out;
errors are ``{"error": "..."}`` with 400 or 404. Endpoints (camelCase bodies):

Directory and credentials
  ``GET    /_emulator/tenants`` - tenants with apps, roles, consent, policy, secrets
  ``POST   /_emulator/tenants/{tid}/apps/{cid}/secrets`` ``{"days"?: 365, "value"?}``
  ``POST   /_emulator/tenants/{tid}/apps/{cid}/secrets/{sid}/expire`` (``sid`` = ``all``
  expires every secret)
  ``DELETE /_emulator/tenants/{tid}/apps/{cid}/secrets/{sid}``
  ``POST   /_emulator/tenants/{tid}/apps/{cid}/consent`` ``{"consented": bool}``
  ``PUT    /_emulator/tenants/{tid}/apps/{cid}/roles`` ``{"roles": ["Place.Read.All", ...]}``
  - the application permissions granted with admin consent (Entra's API
  permissions page); tokens issued afterwards carry exactly these ``roles``
  (a token issued before keeps its own until it expires, as in Entra)
  ``POST   /_emulator/tenants/{tid}/apps/{cid}/certificates`` ``{"certificatePem"}``
  - upload a certificate's public part (Certificates & secrets > Certificates)
  ``PUT    /_emulator/tenants/{tid}/apps/{cid}/access-policy`` ``{"mailboxes": [...]}``
  ``DELETE /_emulator/tenants/{tid}/apps/{cid}/access-policy``
  ``PATCH  /_emulator/tenants/{tid}/rooms/{room}/calendar-processing``
  ``{"allowConflicts"?, "automateProcessing"?, "bookingWindowInDays"?, ...}``

Signing users in: app redirect URIs, assignments, consent, groups - see
:mod:`.control_sign_in`.

Faults and limits
  ``GET|POST|DELETE /_emulator/faults`` - the :class:`~.faults.FaultPlan`
  ``POST   /_emulator/notifications/drop`` ``{"share": 1.0}`` (0 restores delivery)
  ``POST   /_emulator/delta-tokens/invalidate`` ``{"tenantId"?, "mailbox"?}``
  ``GET|PATCH /_emulator/settings`` - throttling, subscription and delivery limits
  ``POST   /_emulator/clock`` ``{"offsetSeconds": 3600}`` - shift the emulator's clock

Subscriptions and notifications
  ``GET    /_emulator/subscriptions`` - every live subscription, all apps
  ``DELETE /_emulator/subscriptions/{id}`` - remove it, sending ``subscriptionRemoved``
  ``POST   /_emulator/subscriptions/{id}/lifecycle``
  ``{"event": "missed"|"reauthorizationRequired"|"subscriptionRemoved"}``
  ``GET|DELETE /_emulator/notifications`` - delivery attempts (``?kind=&outcome=``)

Process
  ``GET|DELETE /_emulator/stats`` - requests seen per ``METHOD /path/{id}``
  ``POST   /_emulator/reset`` ``{"seed"?}`` - back to the seed; forgets subscriptions,
  faults, notifications, counters and the clock offset
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from transom.emulator.faults import FaultPlan, Faults, camel_case
from transom.emulator.notifications import Notifier
from transom.emulator.store import Emulator
from transom.emulator.subscriptions import LIFECYCLE_EVENTS, Subscriptions
from transom.emulator.throttling import RequestTally, Throttle

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass
class EdgeState:
    """Everything the edge features share for one emulator."""

    emulator: Emulator
    faults: Faults
    throttle: Throttle
    tally: RequestTally
    notifier: Notifier
    subscriptions: Subscriptions
    real_clock: Callable[[], datetime]

    @classmethod
    def create(cls, emulator: Emulator) -> EdgeState:
        faults = Faults()
        notifier = Notifier(faults, clock=lambda: emulator.clock())
        return cls(
            emulator=emulator,
            faults=faults,
            throttle=Throttle(),
            tally=RequestTally(),
            notifier=notifier,
            subscriptions=Subscriptions(emulator, notifier),
            real_clock=emulator.clock,
        )

    def shift_clock(self, offset: timedelta) -> None:
        """Make the emulator's clock run ``offset`` ahead of its own clock."""
        self.emulator.clock = lambda: self.real_clock() + offset

    def reset(self, seed: str | None) -> None:
        self.subscriptions.clear()
        self.notifier.clear()
        self.faults.clear()
        self.throttle.reset()
        self.tally.reset()
        self.emulator.clock = self.real_clock
        self.emulator.reset(seed)


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _handled(endpoint: Endpoint) -> Endpoint:
    async def wrapper(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ControlError as exc:
            return JSONResponse({"error": str(exc)}, exc.status)
        except (KeyError, ValueError, TypeError) as exc:
            return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, 400)

    return wrapper


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as exc:
        raise ControlError(400, "body must be JSON") from exc
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _setting_groups(edges: EdgeState) -> dict[str, Any]:
    return {
        "throttling": edges.throttle.limits,
        "subscriptions": edges.subscriptions.settings,
        "delivery": edges.notifier.settings,
    }


def _settings_json(edges: EdgeState) -> dict[str, Any]:
    return {
        name: {camel_case(k): v for k, v in asdict(group).items()}
        for name, group in _setting_groups(edges).items()
    }


def _update(group: Any, values: dict[str, Any]) -> None:
    names = {f.name for f in fields(group)}
    for key, value in values.items():
        name = _snake(key)
        if name not in names:
            raise ControlError(400, f"unknown setting {key!r}")
        setattr(group, name, value)


class ControlRoutes:
    """Handlers of the control API over one :class:`EdgeState`."""

    def __init__(self, edges: EdgeState) -> None:
        self.edges = edges
        self.emulator = edges.emulator

    def routes(self) -> list[Route]:
        app = "/_emulator/tenants/{tid}/apps/{cid}"
        table: list[tuple[str, Endpoint, str]] = [
            ("/_emulator/tenants", self.tenants, "GET"),
            (f"{app}/secrets", self.add_secret, "POST"),
            (f"{app}/secrets/{{sid}}/expire", self.expire_secret, "POST"),
            (f"{app}/secrets/{{sid}}", self.remove_secret, "DELETE"),
            (f"{app}/consent", self.consent, "POST"),
            (f"{app}/roles", self.set_roles, "PUT"),
            (f"{app}/certificates", self.add_certificate, "POST"),
            (f"{app}/access-policy", self.set_policy, "PUT"),
            (f"{app}/access-policy", self.clear_policy, "DELETE"),
            (
                "/_emulator/tenants/{tid}/rooms/{room}/calendar-processing",
                self.processing,
                "PATCH",
            ),
            ("/_emulator/faults", self.get_faults, "GET"),
            ("/_emulator/faults", self.set_faults, "POST"),
            ("/_emulator/faults", self.clear_faults, "DELETE"),
            ("/_emulator/notifications", self.notifications, "GET"),
            ("/_emulator/notifications", self.clear_notifications, "DELETE"),
            ("/_emulator/notifications/drop", self.drop, "POST"),
            ("/_emulator/subscriptions", self.subscriptions, "GET"),
            ("/_emulator/subscriptions/{id}", self.remove_subscription, "DELETE"),
            ("/_emulator/subscriptions/{id}/lifecycle", self.lifecycle, "POST"),
            ("/_emulator/delta-tokens/invalidate", self.invalidate, "POST"),
            ("/_emulator/settings", self.get_settings, "GET"),
            ("/_emulator/settings", self.set_settings, "PATCH"),
            ("/_emulator/clock", self.clock, "POST"),
            ("/_emulator/stats", self.stats, "GET"),
            ("/_emulator/stats", self.clear_stats, "DELETE"),
            ("/_emulator/reset", self.reset, "POST"),
        ]
        return [
            Route(path, _handled(endpoint), methods=[method])
            for path, endpoint, method in table
        ]

    def _app_ids(self, request: Request) -> tuple[str, str]:
        tenant = self.emulator.tenant(request.path_params["tid"])
        cid = request.path_params["cid"]
        if tenant is None or cid not in tenant.apps:
            raise ControlError(
                404, f"no app {cid} in tenant {request.path_params['tid']}"
            )
        return tenant.id, cid

    # -- directory and credentials ---------------------------------------------
    async def tenants(self, request: Request) -> Response:
        return JSONResponse({"value": self.emulator.credentials()})

    async def add_secret(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        body = await _body(request)
        days = float(body.get("days", 365))
        secret = self.emulator.add_secret(tid, cid, days=days, value=body.get("value"))
        return JSONResponse(vars(secret).copy(), 201)

    async def expire_secret(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        sid = request.path_params["sid"]
        secrets = self.emulator.app(tid, cid).secrets
        if sid != "all" and all(s.id != sid for s in secrets):
            raise ControlError(404, f"no secret {sid}")
        self.emulator.expire_secret(tid, cid, None if sid == "all" else sid)
        return JSONResponse([vars(s).copy() for s in secrets])

    async def remove_secret(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        app = self.emulator.app(tid, cid)
        kept = [s for s in app.secrets if s.id != request.path_params["sid"]]
        if len(kept) == len(app.secrets):
            raise ControlError(404, f"no secret {request.path_params['sid']}")
        app.secrets = kept
        self.emulator.dirty = True
        return Response(status_code=204)

    async def consent(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        consented = (await _body(request)).get("consented")
        if not isinstance(consented, bool):
            raise ControlError(400, "'consented' must be true or false")
        self.emulator.set_consent(tid, cid, consented)
        return JSONResponse({"consented": consented})

    async def set_roles(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        roles = (await _body(request)).get("roles")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ControlError(400, "'roles' must be a list of permission names")
        app = self.emulator.app(tid, cid)
        app.roles = list(dict.fromkeys(roles))
        self.emulator.dirty = True
        return JSONResponse({"roles": app.roles})

    async def add_certificate(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        pem = (await _body(request)).get("certificatePem")
        if not isinstance(pem, str) or "BEGIN CERTIFICATE" not in pem:
            raise ControlError(400, "'certificatePem' must be a PEM certificate")
        try:
            cert = self.emulator.register_certificate(tid, cid, pem)
        except ValueError as exc:
            raise ControlError(400, f"not a certificate: {exc}") from exc
        return JSONResponse(vars(cert).copy(), 201)

    async def set_policy(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        mailboxes = (await _body(request)).get("mailboxes")
        if not isinstance(mailboxes, list):
            raise ControlError(400, "'mailboxes' must be a list of addresses")
        self.emulator.set_access_policy(tid, cid, [str(m) for m in mailboxes])
        return JSONResponse({"mailboxes": self.emulator.app(tid, cid).access_policy})

    async def clear_policy(self, request: Request) -> Response:
        tid, cid = self._app_ids(request)
        self.emulator.set_access_policy(tid, cid, None)
        return Response(status_code=204)

    async def processing(self, request: Request) -> Response:
        tenant = self.emulator.tenant(request.path_params["tid"])
        if tenant is None:
            raise ControlError(404, f"no tenant {request.path_params['tid']}")
        settings = {_snake(k): v for k, v in (await _body(request)).items()}
        try:
            processing = self.emulator.set_calendar_processing(
                tenant.id, request.path_params["room"], **settings
            )
        except KeyError as exc:
            raise ControlError(404, str(exc)) from exc
        return JSONResponse({camel_case(k): v for k, v in asdict(processing).items()})

    # -- faults and limits ---------------------------------------------------
    async def get_faults(self, request: Request) -> Response:
        return JSONResponse(self.edges.faults.plan.to_json())

    async def set_faults(self, request: Request) -> Response:
        self.edges.faults.set(FaultPlan.from_json(await _body(request)))
        return JSONResponse(self.edges.faults.plan.to_json())

    async def clear_faults(self, request: Request) -> Response:
        self.edges.faults.clear()
        return Response(status_code=204)

    async def drop(self, request: Request) -> Response:
        share = float((await _body(request)).get("share", 1.0))
        plan = self.edges.faults.plan
        self.edges.faults.set(
            FaultPlan(**{**asdict(plan), "drop_notifications_share": share})
        )
        self.edges.faults.plan.validate()
        return JSONResponse(self.edges.faults.plan.to_json())

    async def invalidate(self, request: Request) -> Response:
        body = await _body(request)
        tenant = (
            self.emulator.tenant(str(body["tenantId"])) if "tenantId" in body else None
        )
        user_id = None
        if body.get("mailbox"):
            if tenant is None:
                raise ControlError(400, "'mailbox' needs 'tenantId'")
            user = self.emulator.find_user(tenant, str(body["mailbox"]))
            if user is None:
                raise ControlError(404, f"no mailbox {body['mailbox']}")
            user_id = user.id
        count = self.emulator.invalidate_delta_tokens(
            tenant.id if tenant else None, user_id
        )
        return JSONResponse({"invalidated": count})

    async def get_settings(self, request: Request) -> Response:
        return JSONResponse(_settings_json(self.edges))

    async def set_settings(self, request: Request) -> Response:
        body = await _body(request)
        groups = _setting_groups(self.edges)
        for name, values in body.items():
            if name not in groups or not isinstance(values, dict):
                raise ControlError(400, f"unknown settings group {name!r}")
            _update(groups[name], values)
        return JSONResponse(_settings_json(self.edges))

    async def clock(self, request: Request) -> Response:
        offset = timedelta(seconds=float((await _body(request))["offsetSeconds"]))
        self.edges.shift_clock(offset)
        return JSONResponse({"now": self.emulator.clock().isoformat()})

    # -- subscriptions and notifications ------------------------------------
    async def subscriptions(self, request: Request) -> Response:
        subs = self.edges.subscriptions.live()
        return JSONResponse({"value": [s.to_json() for s in subs]})

    async def remove_subscription(self, request: Request) -> Response:
        if self.edges.subscriptions.remove(request.path_params["id"]) is None:
            raise ControlError(404, f"no subscription {request.path_params['id']}")
        return Response(status_code=204)

    async def lifecycle(self, request: Request) -> Response:
        event = (await _body(request)).get("event")
        if event not in LIFECYCLE_EVENTS:
            raise ControlError(400, f"'event' must be one of {LIFECYCLE_EVENTS}")
        subs = self.edges.subscriptions
        sub = subs.get(request.path_params["id"])
        if sub is None:
            raise ControlError(404, f"no subscription {request.path_params['id']}")
        if event == "subscriptionRemoved":
            subs.remove(sub.id)
        elif not subs.send_lifecycle(sub, str(event)):
            raise ControlError(400, "the subscription has no lifecycleNotificationUrl")
        return JSONResponse({"sent": event}, 202)

    async def notifications(self, request: Request) -> Response:
        wanted = {k: request.query_params.get(k) for k in ("kind", "outcome")}
        value = [
            a.to_json()
            for a in self.edges.notifier.attempts
            if all(v is None or getattr(a, k) == v for k, v in wanted.items())
        ]
        return JSONResponse({"value": value})

    async def clear_notifications(self, request: Request) -> Response:
        self.edges.notifier.attempts.clear()
        return Response(status_code=204)

    # -- process ---------------------------------------------------------------
    async def stats(self, request: Request) -> Response:
        counts = dict(sorted(self.edges.tally.counts.items()))
        return JSONResponse({"total": sum(counts.values()), "requests": counts})

    async def clear_stats(self, request: Request) -> Response:
        self.edges.tally.reset()
        return Response(status_code=204)

    async def reset(self, request: Request) -> Response:
        seed = (await _body(request)).get("seed")
        self.edges.reset(str(seed) if seed else None)
        return JSONResponse({"seed": self.emulator.seed})
