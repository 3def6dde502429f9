"""Reading the audit log: ``auditLog`` (admins and readers of a tenant; a
superadmin sees every tenant's, and entries of no tenant)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import strawberry

from transom.api.context import Info
from transom.api.enums import ActorKind
from transom.api.pagination import DEFAULT_PAGE, Connection, to_connection
from transom.api.scope import tenant_scope
from transom.db import audit as audit_repo
from transom.db import models
from transom.domain.access import Role, Viewer
from transom.domain.errors import InvalidInputError, PermissionDeniedError

READERS = (Role.SUPERADMIN, Role.ADMIN, Role.READER)
MAX_FILTER_TEXT = 200


@strawberry.type(description="One field a change touched, before and after.")
class AuditChange:
    field: str = strawberry.field(description="The field's name (camelCase).")
    before: str | None = strawberry.field(
        description="Its old value as JSON text; null when it had none or was "
        "not recorded (a mutation that did not say what it changed)."
    )
    after: str | None = strawberry.field(
        description='Its new value as JSON text (secrets read "[redacted]").'
    )


@strawberry.type(description="One change recorded in the audit log.")
class AuditEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    at: datetime = strawberry.field(description="When the change was made (UTC).")
    tenant_id: strawberry.ID | None = strawberry.field(
        description="The tenant it changed; null for changes of no one tenant "
        "(superadmins only see those)."
    )
    actor_kind: ActorKind = strawberry.field(description="Who made it: what kind.")
    actor: str = strawberry.field(
        description='Who made it: the admin\'s e-mail, "API token <name>" or '
        '"Transom (automatic)".'
    )
    action: str = strawberry.field(
        description="What was done: the mutation's name (linkRoomMailbox, "
        "updateTenantSettings...) or an automatic action (noShowRelease, "
        "cancelInExchange, declineInExchange, withdrawConflictingEvent)."
    )
    target_type: str | None = strawberry.field(
        description="The kind of object changed (Room, Display, Tenant, "
        "TenantSettings, Booking...); null when none."
    )
    target_id: strawberry.ID | None = strawberry.field(
        description="The id of the object changed; null when none."
    )
    target_name: str | None = strawberry.field(
        description="Its name when the change was made (a room's or display's "
        "name, a tenant's, a meeting's room)."
    )
    before: str | None = strawberry.field(
        description="The changed fields' old values, a JSON object; null when "
        "not recorded."
    )
    after: str | None = strawberry.field(
        description="The changed fields' new values (or the mutation's "
        "arguments), a JSON object with secrets redacted; null when none."
    )

    @strawberry.field(description="Each changed field with its old and new value.")
    def changes(self) -> list[AuditChange]:
        old = json.loads(self.before) if self.before else {}
        new = json.loads(self.after) if self.after else {}
        names = list(dict.fromkeys([*new, *old]))
        return [
            AuditChange(
                field=name,
                before=json.dumps(old[name]) if name in old else None,
                after=json.dumps(new[name]) if name in new else None,
            )
            for name in names
        ]

    @classmethod
    def from_model(cls, row: models.AuditEntry) -> AuditEntry:
        return cls(
            id=strawberry.ID(row.id),
            at=row.at,
            tenant_id=strawberry.ID(row.tenant_id) if row.tenant_id else None,
            actor_kind=ActorKind(row.actor_kind),
            actor=row.actor,
            action=row.action,
            target_type=row.target_type,
            target_id=strawberry.ID(row.target_id) if row.target_id else None,
            target_name=row.target_name,
            before=_json(row.before),
            after=_json(row.after),
        )


def _json(value: dict[str, Any] | None) -> str | None:
    return json.dumps(value, sort_keys=True) if value else None


def audit_filter(
    viewer: Viewer,
    *,
    tenant_id: str | None,
    actor: str | None = None,
    action: str | None = None,
    target_id: str | None = None,
    target: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> audit_repo.AuditFilter:
    """The viewer's filter: its own tenant only, unless a superadmin."""
    if viewer.role not in READERS:
        raise PermissionDeniedError("the audit log needs an admin or reader token")
    scope = tenant_scope(viewer, tenant_id)
    for name, text in (("actor", actor), ("action", action), ("target", target)):
        if text is not None and len(text) > MAX_FILTER_TEXT:
            raise InvalidInputError(
                f"{name} is at most {MAX_FILTER_TEXT} characters", field=name
            )
    for name, moment in (("from", start), ("to", end)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInputError(
                f"{name} needs a UTC offset (e.g. 2026-12-04T09:00:00Z)", field=name
            )
    if start is not None and end is not None and end <= start:
        raise InvalidInputError("to must be after from", field="to")
    return audit_repo.AuditFilter(
        tenant_id=scope,
        actor=(actor or "").strip() or None,
        action=(action or "").strip() or None,
        target_id=target_id or None,
        target=(target or "").strip() or None,
        start=start,
        end=end,
    )


def _text(description: str) -> Any:
    return strawberry.argument(description=description)


@strawberry.type
class AuditLogQueries:
    @strawberry.field(
        description="Changes made by admins, API tokens and Transom itself, newest "
        "first (admins and readers of the tenant; a superadmin sees every tenant "
        "unless tenantId is given). Kept TRANSOM_AUDIT_RETENTION_DAYS days."
    )
    async def audit_log(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID | None,
            _text(
                "Only this tenant: superadmins may pick any; others may give "
                "only their own. Omitted: your tenant (every tenant for a "
                "superadmin)."
            ),
        ] = None,
        actor: Annotated[
            str | None,
            _text("Only entries whose actor contains this text (any case)."),
        ] = None,
        action: Annotated[
            str | None,
            _text("Only this action (e.g. linkRoomMailbox, noShowRelease)."),
        ] = None,
        target_id: Annotated[
            strawberry.ID | None,
            _text("Only entries about this object (e.g. a room's id)."),
        ] = None,
        target: Annotated[
            str | None,
            _text("Only entries whose target's name contains this text (any case)."),
        ] = None,
        from_: Annotated[
            datetime | None,
            strawberry.argument(
                name="from", description="Only changes at or after this moment."
            ),
        ] = None,
        to: Annotated[
            datetime | None, _text("Only changes before this moment.")
        ] = None,
        first: Annotated[int, _text("Page size, 1 to 200.")] = DEFAULT_PAGE,
        after: Annotated[
            str | None,
            _text("The endCursor of the page before; omit for the first page."),
        ] = None,
    ) -> Connection[AuditEntry] | None:
        wanted = audit_filter(
            await info.context.viewer(),
            tenant_id=tenant_id,
            actor=actor,
            action=action,
            target_id=target_id,
            target=target,
            start=from_,
            end=to,
        )
        async with info.context.db() as session:
            page = await audit_repo.page_entries(
                session, wanted, first=first, after=after
            )
        return to_connection(page, [AuditEntry.from_model(r) for r in page.items])
