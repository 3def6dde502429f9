"""Control API for signing users in (part of ``/_emulator/``, see :mod:`.control`).

``GET|PATCH /_emulator/tenants/{tid}/apps/{cid}/sign-in``
  ``{"redirectUris"?: [...], "assignmentRequired"?: bool, "assignments"?:
  {"<user upn or id | group id>": ["<app role value>", ...]}, "userConsent"?:
  bool, "groupsClaim"?: bool}`` - the app's :class:`~.model.SignInSettings`
  (user principal names in ``assignments`` are stored as the user's id).
``PUT    /_emulator/tenants/{tid}/groups/{gid}`` ``{"displayName", "members":
  ["<upn or id>", ...]}`` - create or replace a security group.
``DELETE /_emulator/tenants/{tid}/groups/{gid}``
``PATCH  /_emulator/tenants/{tid}/users/{user}`` ``{"accountEnabled": bool}``
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .control import ControlError, Endpoint, _body, _handled
from .model import Group, SignInSettings, Tenant, User
from .store import Emulator

FIELDS = {
    "redirectUris": "redirect_uris",
    "assignmentRequired": "assignment_required",
    "assignments": "assignments",
    "userConsent": "user_consent",
    "groupsClaim": "groups_claim",
}


def settings_json(settings: SignInSettings) -> dict[str, Any]:
    values = asdict(settings)
    return {camel: values[snake] for camel, snake in FIELDS.items()}


class SignInControl:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def routes(self) -> list[Route]:
        table: list[tuple[str, Endpoint, str]] = [
            ("/_emulator/tenants/{tid}/apps/{cid}/sign-in", self.get_sign_in, "GET"),
            (
                "/_emulator/tenants/{tid}/apps/{cid}/sign-in",
                self.patch_sign_in,
                "PATCH",
            ),
            ("/_emulator/tenants/{tid}/groups/{gid}", self.put_group, "PUT"),
            ("/_emulator/tenants/{tid}/groups/{gid}", self.delete_group, "DELETE"),
            ("/_emulator/tenants/{tid}/users/{user}", self.patch_user, "PATCH"),
        ]
        return [
            Route(path, _handled(endpoint), methods=[method])
            for path, endpoint, method in table
        ]

    def _tenant(self, request: Request) -> Tenant:
        tenant = self.emulator.tenant(request.path_params["tid"])
        if tenant is None:
            raise ControlError(404, f"no tenant {request.path_params['tid']}")
        return tenant

    def _user(self, tenant: Tenant, key: str) -> User:
        user = self.emulator.find_user(tenant, key)
        if user is None:
            raise ControlError(404, f"no user {key} in tenant {tenant.id}")
        return user

    def _settings(self, request: Request) -> tuple[Tenant, SignInSettings]:
        tenant = self._tenant(request)
        app = tenant.apps.get(request.path_params["cid"])
        if app is None:
            raise ControlError(404, f"no app {request.path_params['cid']}")
        return tenant, app.sign_in

    async def get_sign_in(self, request: Request) -> Response:
        return JSONResponse(settings_json(self._settings(request)[1]))

    async def patch_sign_in(self, request: Request) -> Response:
        tenant, settings = self._settings(request)
        body = await _body(request)
        unknown = set(body) - set(FIELDS)
        if unknown:
            raise ControlError(400, f"unknown fields: {', '.join(sorted(unknown))}")
        if "redirectUris" in body:
            settings.redirect_uris = [str(u) for u in body["redirectUris"]]
        for name in ("assignmentRequired", "userConsent", "groupsClaim"):
            if name in body:
                if not isinstance(body[name], bool):
                    raise ControlError(400, f"'{name}' must be true or false")
                setattr(settings, FIELDS[name], body[name])
        if "assignments" in body:
            settings.assignments = {
                self._principal(tenant, str(key)): [str(r) for r in roles]
                for key, roles in dict(body["assignments"]).items()
            }
        self.emulator.dirty = True
        return JSONResponse(settings_json(settings))

    def _principal(self, tenant: Tenant, key: str) -> str:
        if key in tenant.groups:
            return key
        return self._user(tenant, key).id

    async def put_group(self, request: Request) -> Response:
        tenant = self._tenant(request)
        body = await _body(request)
        gid = request.path_params["gid"]
        members = [self._user(tenant, str(m)).id for m in body.get("members", [])]
        group = Group(gid, str(body.get("displayName") or gid), members)
        tenant.groups[gid] = group
        self.emulator.dirty = True
        return JSONResponse(asdict(group))

    async def delete_group(self, request: Request) -> Response:
        tenant = self._tenant(request)
        if tenant.groups.pop(request.path_params["gid"], None) is None:
            raise ControlError(404, f"no group {request.path_params['gid']}")
        self.emulator.dirty = True
        return Response(status_code=204)

    async def patch_user(self, request: Request) -> Response:
        tenant = self._tenant(request)
        user = self._user(tenant, request.path_params["user"])
        enabled = (await _body(request)).get("accountEnabled")
        if not isinstance(enabled, bool):
            raise ControlError(400, "'accountEnabled' must be true or false")
        user.account_enabled = enabled
        self.emulator.dirty = True
        return JSONResponse({"id": user.id, "accountEnabled": enabled})
