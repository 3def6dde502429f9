"""``/readyz``: the local parts of ``transom check`` (database and migrations,
secret key, assets, GraphiQL's files while it is on, event bus), 200 when all
pass, 503 with the findings when not. Graph is not called: a tenant's trouble does not make the process unready.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from transom.check.findings import Finding
from transom.check.local import (
    check_assets,
    check_database,
    check_event_bus,
    check_graphiql,
    check_secret_key,
)


async def readyz(request: Request) -> JSONResponse:
    services = request.state.services
    settings = services.settings
    database = await check_database(request.state.engine)
    findings = [database]
    if database.ok:
        findings.append(await check_secret_key(request.state.engine, settings))
    findings += [
        check_assets(settings.assets_dir),
        check_graphiql(settings),
        check_event_bus(services.bus, settings.pubsub_url),
    ]
    ready = all(finding.ok for finding in findings)
    body = {
        "status": "ok" if ready else "unavailable",
        "database": "ok"
        if database.ok or "pending" in database.message
        else "unreachable",
        "migrations": _migrations(database),
        "problems": [finding.line() for finding in findings if not finding.ok],
    }
    return JSONResponse(body, status_code=200 if ready else 503)


def _migrations(database: Finding) -> str:
    if database.ok:
        return "current"
    return "pending" if "pending" in database.message else "unknown"
