"""Records every successful mutation in the audit log, in one place.

:func:`audit_every_mutation` puts :class:`Audited` on every field of the
``Mutation`` type when the schema is assembled, so a mutation added later is
audited without a line of its own. After the resolver returns a payload with no
``userErrors`` (nothing was refused), one entry is written with:

- who: the viewer (an admin's e-mail, an API token's name); door displays and
  unauthenticated callers (a display asking to pair) are not admins: no entry;
- what: the mutation's field name and its target, taken from the payload's
  object (a ``Room``, ``Display``, ``Tenant``...) or else its id arguments;
- before/after: what the mutation noted with :func:`note_change` (rooms,
  tenant settings, displays, mailbox links), else the arguments it was given
  as ``after``; secrets redacted (``transom.domain.audit.redacted``);
- the tenant: the noted one, the target's, a ``tenantId`` argument, or the
  viewer's.

A mutation that wants its change recorded precisely says so::

    note_change(info, tenant_id=row.tenant_id,
                target=AuditTarget("Room", row.id, row.name),
                before={"capacity": 8}, after={"capacity": 10})

The entry is written after the mutation committed, in its own short
transaction, which also prunes entries past the retention.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types.base import has_object_definition
from strawberry.utils.str_converters import to_camel_case

from transom.api.context import Info
from transom.api.payloads import Payload
from transom.db import audit as audit_repo
from transom.domain.access import Role
from transom.domain.audit import (
    AuditNote,
    AuditTarget,
    changed_fields,
    redacted,
    retention_cutoff,
)

__all__ = ["Audited", "audit_every_mutation", "note_change"]

_NAMES = ("name", "subject", "email", "display_name")
_ID_ARGUMENTS = (
    ("room_id", "Room"),
    ("display_id", "Display"),
    ("booking_id", "Booking"),
    ("tenant_id", "Tenant"),
)


def note_change(
    info: Info,
    *,
    tenant_id: str | None,
    target: AuditTarget,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Say what this mutation changed (recorded only if it succeeds)."""
    old, new = changed_fields(before or {}, after or {})
    info.context.audit_notes.append(AuditNote(tenant_id, target, old, new))


class Audited(FieldExtension):
    """Records the mutation it wraps when it succeeds (see the module docstring)."""

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info,
        **kwargs: Any,
    ) -> Any:
        notes = info.context.audit_notes
        notes.clear()
        result = await next_(source, info, **kwargs)
        if isinstance(result, Payload) and not result.user_errors:
            await _record(info, result, kwargs, list(notes))
        notes.clear()
        return result


def audit_every_mutation(mutation: type) -> None:
    """Put :class:`Audited` on every field of the Mutation type (once)."""
    for field in mutation.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if not any(isinstance(e, Audited) for e in field.extensions):
            field.extensions.append(Audited())


async def _record(
    info: Info, payload: Payload, arguments: dict[str, Any], notes: list[AuditNote]
) -> None:
    viewer = info.context.current_viewer
    if viewer is None or viewer.role is Role.DISPLAY:
        return
    note = _merged(notes)
    target = note.target or _payload_target(payload) or _argument_target(arguments)
    tenant_id = (
        note.tenant_id
        or _payload_tenant(payload)
        or (target.id if target and target.type == "Tenant" else None)
        or _argument(arguments, "tenant_id")
        or viewer.tenant_id
    )
    before = note.before if notes else None
    after = note.after if notes else _arguments_json(arguments)
    now = info.context.now
    days = info.context.services.settings.audit_retention_days
    async with info.context.db() as session:
        actor = await audit_repo.actor_of(session, viewer.token_id)
        audit_repo.add_entry(
            session,
            at=now,
            tenant_id=tenant_id,
            actor=actor,
            action=info.field_name,
            target=target,
            before=before,
            after=after,
        )
        await audit_repo.prune(session, before=retention_cutoff(now, days))
        await session.commit()


def _merged(notes: list[AuditNote]) -> AuditNote:
    merged = AuditNote()
    for note in notes:
        merged.tenant_id = merged.tenant_id or note.tenant_id
        merged.target = merged.target or note.target
        merged.before.update(note.before)
        merged.after.update(note.after)
    return merged


def _objects_in(value: Any) -> list[Any]:
    return [
        getattr(value, f.name)
        for f in dataclasses.fields(value)
        if f.name != "user_errors" and has_object_definition(getattr(value, f.name))
    ]


def _payload_objects(payload: Payload) -> list[Any]:
    """The payload's objects, and those inside one without an id
    (``connectionTest { tenant }``)."""
    found = []
    for value in _objects_in(payload):
        found.append(value)
        if getattr(value, "id", None) is None and dataclasses.is_dataclass(value):
            found.extend(_objects_in(value))
    return found


def _payload_target(payload: Payload) -> AuditTarget | None:
    for value in _payload_objects(payload):
        ident = getattr(value, "id", None)
        if ident is None:
            continue
        name = next(
            (getattr(value, n) for n in _NAMES if getattr(value, n, None)), None
        )
        kind = value.__strawberry_definition__.name
        return AuditTarget(kind, str(ident), str(name) if name else None)
    return None


def _payload_tenant(payload: Payload) -> str | None:
    for value in _payload_objects(payload):
        tenant = getattr(value, "tenant_id", None)
        if tenant:
            return str(tenant)
    return None


def _argument(arguments: dict[str, Any], name: str) -> str | None:
    value = arguments.get(name)
    if value is None and "input" in arguments:
        value = getattr(arguments["input"], name, None)
    if value is None or value is strawberry.UNSET:
        return None
    return str(value)


def _argument_target(arguments: dict[str, Any]) -> AuditTarget | None:
    for name, kind in _ID_ARGUMENTS:
        value = _argument(arguments, name)
        if value:
            return AuditTarget(kind, value)
    value = _argument(arguments, "id")
    return AuditTarget("Node", value) if value else None


def _arguments_json(arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments as camelCase JSON, secrets redacted."""
    plain: dict[str, Any] = redacted(
        {to_camel_case(k): _plain(v) for k, v in arguments.items()}
    )
    return plain


def _plain(value: Any) -> Any:
    """Strawberry input objects as dicts (omitted fields left out)."""
    if has_object_definition(value) and dataclasses.is_dataclass(value):
        return {
            to_camel_case(f.name): _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not strawberry.UNSET
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
