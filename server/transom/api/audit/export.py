"""``GET /admin/audit.csv``: the filtered audit log as a CSV download.

Authenticated like ``/graphql`` (the admin UI's session cookie, or a bearer
token) and scoped like ``auditLog``: a tenant's admins and readers get their
tenant's entries only, a superadmin every tenant's unless ``tenantId`` is
given. Query parameters are ``auditLog``'s arguments: ``tenantId``, ``actor``,
``action``, ``targetId``, ``target``, ``from``, ``to`` (ISO 8601 with an
offset). At most :data:`~transom.db.audit.MAX_EXPORT` rows, newest first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from transom.api.audit.log import audit_filter
from transom.api.context import Context
from transom.db import audit as audit_repo
from transom.db import models
from transom.domain.errors import ErrorCode, InvalidInputError, TransomError

PATH = "/admin/audit.csv"
COLUMNS = (
    "Time (UTC)",
    "Tenant",
    "Actor",
    "Actor kind",
    "Action",
    "Target type",
    "Target",
    "Target id",
    "Before",
    "After",
)
STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BAD_USER_INPUT: 400,
}
# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def audit_export_routes() -> list[BaseRoute]:
    return [Route(PATH, export_audit_log, methods=["GET"])]


async def export_audit_log(request: Request) -> Response:
    context = Context(services=request.state.services, connection=request)
    try:
        wanted = audit_filter(
            await context.viewer(),
            tenant_id=_param(request, "tenantId"),
            actor=_param(request, "actor"),
            action=_param(request, "action"),
            target_id=_param(request, "targetId"),
            target=_param(request, "target"),
            start=_moment(request, "from"),
            end=_moment(request, "to"),
        )
        async with context.db() as session:
            rows = await audit_repo.export_entries(session, wanted)
            names = await audit_repo.tenant_names(session, {r.tenant_id for r in rows})
    except TransomError as error:
        return JSONResponse(
            {"errors": [{"message": error.message, "extensions": _extensions(error)}]},
            status_code=STATUS.get(error.code, 400),
        )
    return Response(
        _csv(rows, names),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_file_name(request)}"',
            "Cache-Control": "no-store",
        },
    )


def _extensions(error: TransomError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code.value}
    if isinstance(error, InvalidInputError) and error.field:
        extensions["field"] = error.field
    return extensions


def _param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value else None


def _moment(request: Request, name: str) -> datetime | None:
    raw = _param(request, name)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(
            f"{name} is not an ISO 8601 time (e.g. 2026-12-04T09:00:00Z)", field=name
        ) from None


def _file_name(request: Request) -> str:
    tenant = (request.query_params.get("tenantId") or "all")[:36]
    safe = "".join(c for c in tenant if c.isalnum() or c == "-") or "all"
    return f"audit-log-{safe}.csv"


def _cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(rows: Sequence[models.AuditEntry], names: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.at.isoformat(),
                _cell(names.get(row.tenant_id or "", row.tenant_id)),
                _cell(row.actor),
                row.actor_kind,
                _cell(row.action),
                _cell(row.target_type),
                _cell(row.target_name),
                _cell(row.target_id),
                _cell(json.dumps(row.before, sort_keys=True) if row.before else ""),
                _cell(json.dumps(row.after, sort_keys=True) if row.after else ""),
            ]
        )
    return out.getvalue()
