"""The GraphQL enums: the domain's own enums, described for API clients.

Each closed set has one Python definition in ``transom.domain``; here it is
exposed with ``strawberry.enum`` under its GraphQL name, with a description for
the enum and every value (the domain stays free of GraphQL code). Resolvers
import the enums from this module, so they are exposed before the schema is
built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

from transom.domain.absences import Approval, SyncState, SyncTarget
from transom.domain.access import Role
from transom.domain.admin_accounts import SignInMethod
from transom.domain.audit import ActorKind
from transom.domain.availability import Availability
from transom.domain.bookings import BookingSource, BookingState, RoomState
from transom.domain.calendar import ShowAs
from transom.domain.connection import ConnectionStatus, LinkState, LogLevel, SyncMode
from transom.domain.directory import CalendarStatus
from transom.domain.displays import ExtensionState, PairingState
from transom.domain.errors import ErrorCode
from transom.domain.onboarding import PermissionStatus, TenantFeature
from transom.domain.outbox import OutboxKind, OutboxStatus
from transom.domain.sign_in_roles import RuleKind
from transom.domain.sync_health import SyncHealth
from transom.domain.tenant_settings import (
    DisplayLanguage,
    PrivateMeetingHandling,
    Weekday,
)

E = TypeVar("E", bound=type[Enum])


def graphql_enum(cls: E, name: str, description: str, values: Mapping[str, str]) -> E:
    """Expose a domain enum as the GraphQL enum ``name``, describing every value
    (by member name). A member left out, or one that does not exist, fails at
    import, so a new domain value cannot reach the schema undescribed."""
    members = set(cls.__members__)
    if set(values) != members:
        raise ValueError(
            f"{name}: describe exactly {sorted(members)}, got {sorted(values)}"
        )
    strawberry.enum(cls, name=name, description=description)
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    definition.values = [
        dataclasses.replace(v, description=values[v.name]) for v in definition.values
    ]
    return cls


graphql_enum(
    Role,
    "Role",
    "What a token may do.",
    {
        "SUPERADMIN": "Every tenant: read and change all, create tenants.",
        "ADMIN": "Read and change one tenant.",
        "READER": "Read one tenant; changes nothing.",
        "DISPLAY": "A paired door display: its one room, booking and check-in there.",
    },
)

graphql_enum(
    ActorKind,
    "AuditActorKind",
    "Who made a change recorded in the audit log.",
    {
        "ADMIN": "An admin signed in to the admin UI (actor: the e-mail).",
        "TOKEN": "An API token (actor: its name).",
        "AUTOMATIC": "Transom itself, e.g. a no-show release written to Exchange.",
    },
)

graphql_enum(
    SignInMethod,
    "SignInMethod",
    "How an admin account signs in to the admin UI.",
    {
        "PASSWORD": "With its e-mail and a password (argon2id hash kept).",
        "MICROSOFT": "With its Microsoft work account (Sign in with Microsoft); "
        "its role is renewed from the tenant's role rules at each such sign-in.",
    },
)

graphql_enum(
    ConnectionStatus,
    "ConnectionStatus",
    "How Transom's link to the tenant's Microsoft 365 stands.",
    {
        "CONNECTED": "The credentials work and the directory can be read.",
        "SECRET_EXPIRING": "The client secret expires within 30 days.",
        "SECRET_EXPIRED": "The client secret has expired: save a new one "
        "(connectTenant). Syncing is paused until then.",
        "INVALID_CREDENTIALS": "Entra ID refuses the directory id, client id, "
        "secret or certificate. Syncing is paused until they work.",
        "CONSENT_MISSING": "The app lacks admin consent for the Graph permissions "
        "it needs. Syncing is paused until it is granted.",
        "ERROR": "The last check failed for another reason (see message and hint); "
        "retried by itself.",
        "DISABLED": "Not connected to Microsoft 365 (yet).",
    },
)

graphql_enum(
    SyncMode,
    "SyncMode",
    "How Transom learns about changes in Exchange.",
    {
        "NOTIFICATIONS": "Graph change notifications (within seconds).",
        "POLLING": "Delta polling every TRANSOM_POLL_INTERVAL seconds, because "
        "Graph cannot reach TRANSOM_PUBLIC_URL (or none is set).",
    },
)

graphql_enum(
    LogLevel,
    "LogLevel",
    "How much a sync log entry needs an admin.",
    {
        "ERROR": "Something stopped working and needs an admin (see hint).",
        "WARNING": "Working, but worse than it should (e.g. polling, late "
        "notifications); often resolves by itself (resolvedAt).",
        "INFO": "For the record; nothing to do.",
    },
)

graphql_enum(
    LinkState,
    "LinkState",
    "Whether a room's calendar is linked to its Exchange mailbox.",
    {
        "UNLINKED": "No mailbox: bookings live in Transom only.",
        "VERIFYING": "linkRoomMailbox is checking the mailbox.",
        "VERIFIED": "Linked: the room's calendar in Exchange is synced both ways.",
        "FAILED": "The mailbox could not be linked (see linkError, linkErrorCode "
        "and linkHint).",
    },
)

graphql_enum(
    SyncHealth,
    "RoomSyncStatus",
    "How a room's calendar sync stands. Only IN_SYNC means the data can be "
    "trusted to be current: a delta round completed recently and change "
    "notifications are known to arrive.",
    {
        "IDLE": "Linked, but no sync has started yet.",
        "SYNCING": "The first full read of the calendar is running.",
        "IN_SYNC": "Current: notifications arrive and the last delta round is recent.",
        "POLLING": "Current within TRANSOM_POLL_INTERVAL: changes are polled "
        "because Microsoft 365 cannot send notifications.",
        "DEGRADED": "Notifications are not known to arrive (the subscription was "
        "lost and recreated, or changes came without one): changes may show up to "
        "TRANSOM_RECONCILE_INTERVAL late until notifications are seen again.",
        "STALE": "No delta round has completed for two reconciliation intervals: "
        "the data may be out of date.",
        "THROTTLED": "Graph asked us to wait; retried after its delay.",
        "ERROR": "The last round failed (see lastError and hint); retried by itself.",
        "ACCESS_DENIED": "Graph refuses this mailbox (access policy, no mailbox).",
        "STOPPED": "Paused until the tenant's credentials work again.",
    },
)

graphql_enum(
    BookingSource,
    "BookingSource",
    "Where a booking was made.",
    {
        "OUTLOOK": "In Outlook or another Exchange client; read from the room's "
        "calendar.",
        "TRANSOM": "Through this API (bookRoom), by an admin.",
        "DISPLAY": "At the room's door display (bookNow).",
    },
)

graphql_enum(
    BookingState,
    "BookingState",
    "Exchange's answer to a booking.",
    {
        "PENDING": "Waiting for the room.",
        "CONFIRMED": "The room accepted it; it holds the slot.",
        "DECLINED": "The room refused it (slot taken, or not allowed), or the "
        "write was dropped; see declineReason. It holds nothing.",
        "CANCELLED": "Withdrawn: cancelled in Outlook or through Transom, or "
        "released as a no-show. It holds nothing.",
    },
)

graphql_enum(
    ExtensionState,
    "ExtensionState",
    "Exchange's answer to a longer end asked for.",
    {
        "PENDING": "Waiting for Exchange; the booking already shows the new end.",
        "CONFIRMED": "Exchange accepted the new end.",
        "DECLINED": "The room is taken then; the previous end stands.",
        "FAILED": "The change did not reach Exchange; the end stands.",
    },
)

graphql_enum(
    RoomState,
    "RoomState",
    "What a room is doing now.",
    {
        "FREE": "No meeting now and none starting within 10 minutes.",
        "STARTING_SOON": "A meeting starts within 10 minutes.",
        "BUSY": "A meeting is running (pending and confirmed bookings count).",
    },
)

graphql_enum(
    PairingState,
    "PairingState",
    "Where a display is in its life.",
    {
        "WAITING": "Showing a pairing code, waiting for an admin.",
        "EXPIRED": "The code expired; the display asks for a new one.",
        "PAIRED": "Showing its room.",
        "REVOKED": "Its token no longer works; pair it again.",
    },
)

graphql_enum(
    DisplayLanguage,
    "DisplayLanguage",
    "The language of the door displays.",
    {"EN": "English", "DA": "Danish", "DE": "German"},
)

graphql_enum(
    PrivateMeetingHandling,
    "PrivateMeetingHandling",
    "How door displays show meetings marked private.",
    {
        "SHOW_AS_PRIVATE": "'Private meeting', with times but no subject or organizer.",
        "SHOW_AS_BUSY": "Only 'Busy' and the times.",
    },
)

graphql_enum(
    OutboxStatus,
    "OutboxStatus",
    "Where a write to Microsoft 365 stands.",
    {
        "PENDING": "Waiting for its turn.",
        "RUNNING": "Being written now.",
        "DONE": "Exchange has it.",
        "HELD": "Waiting for the tenant's credentials to work again; resumes by "
        "itself once they are saved.",
        "FAILED": "Exchange refused it; retry or drop it.",
        "DROPPED": "Given up by an admin.",
    },
)

graphql_enum(
    OutboxKind,
    "OutboxKind",
    "What a write to Microsoft 365 does.",
    {
        "CREATE_BOOKING": "Create a booking's event in the room's or organizer's "
        "calendar.",
        "AWAIT_ROOM_RESPONSE": "Read the room's answer to a new booking.",
        "CANCEL_BOOKING": "Withdraw or decline a booking in Exchange.",
        "EXTEND_BOOKING": "Move a meeting's end later (extendBooking).",
        "AWAIT_EXTENSION": "Read the room's answer to an extension.",
        "RELEASE_BOOKING": "End a no-show meeting in Exchange so the room is free.",
        "SYNC_ABSENCE": "Write an absence to the person's Outlook calendar and "
        "automatic replies.",
    },
)

graphql_enum(
    CalendarStatus,
    "CalendarStatus",
    "Where following a person's calendar stands.",
    {
        "NOT_CONNECTED": "Not connected yet (connectPeopleCalendars).",
        "SYNCING": "Connected; the first read of the calendar is running.",
        "SYNCED": "The calendar is followed: availability comes from it.",
        "NO_MAILBOX": "The person has no Exchange mailbox (or left the directory).",
        "ACCESS_DENIED": "The mailbox is outside the app's access policy.",
        "ERROR": "Reading the calendar failed (see calendarError and calendarHint).",
    },
)

graphql_enum(
    Availability,
    "Availability",
    "Whether someone can be reached.",
    {
        "AVAILABLE": "Reachable: nothing in the calendar or absences says otherwise.",
        "TENTATIVE": "In an event shown as tentative.",
        "WORKING_ELSEWHERE": "Working, but not at the office (e.g. from home).",
        "BUSY": "In a meeting or otherwise busy.",
        "OUT_OF_OFFICE": "Away: an absence or an event shown as out of office.",
    },
)

graphql_enum(
    ShowAs,
    "ShowAsValue",
    "How an Outlook event shows its time (Graph's showAs).",
    {
        "FREE": "Free.",
        "TENTATIVE": "Tentative.",
        "BUSY": "Busy.",
        "OOF": "Out of office.",
        "WORKING_ELSEWHERE": "Working elsewhere.",
        "UNKNOWN": "Not given by Exchange.",
    },
)

graphql_enum(
    Approval,
    "Approval",
    "HR's decision on an absence.",
    {
        "PENDING": "Not decided yet; kept out of Outlook.",
        "APPROVED": "Approved: goes to Outlook when the policy syncs its kind.",
        "REJECTED": "Rejected: kept out of Outlook (removed if it was there).",
    },
)

graphql_enum(
    SyncState,
    "AbsenceSyncState",
    "Whether an absence is in Outlook.",
    {
        "NOT_SYNCED": "The tenant's policy keeps this kind out of Outlook, or it is "
        "not approved.",
        "PENDING": "A write to Outlook is queued.",
        "SYNCED": "Outlook shows it as it is now.",
        "HELD": "Waiting for renewed credentials; syncs by itself then.",
        "FAILED": "The person's mailbox refused it (see lastError and syncHint).",
    },
)

graphql_enum(
    SyncTarget,
    "AbsenceTarget",
    "Where absences of a kind go in Outlook.",
    {
        "OUT_OF_OFFICE": "An out-of-office event, with automatic replies if the "
        "policy has them.",
        "WORKING_ELSEWHERE": "A working-elsewhere event.",
        "NEVER": "Kept out of Outlook.",
    },
)

graphql_enum(
    Weekday,
    "Weekday",
    "A day of the week (ISO order, Monday first).",
    {
        "MONDAY": "Monday.",
        "TUESDAY": "Tuesday.",
        "WEDNESDAY": "Wednesday.",
        "THURSDAY": "Thursday.",
        "FRIDAY": "Friday.",
        "SATURDAY": "Saturday.",
        "SUNDAY": "Sunday.",
    },
)

graphql_enum(
    ErrorCode,
    "ErrorCode",
    "Why something failed. userErrors carry BAD_USER_INPUT, NOT_FOUND, CONFLICT "
    "and GRAPH_ERROR; UNAUTHENTICATED, FORBIDDEN and RATE_LIMITED appear only as "
    "top-level errors (extensions.code).",
    {
        "UNAUTHENTICATED": "No, unknown or revoked credentials.",
        "FORBIDDEN": "Known caller, not allowed to do this.",
        "NOT_FOUND": "Absent, or another tenant's.",
        "BAD_USER_INPUT": "A value the caller must fix (see field).",
        "CONFLICT": "Clashes with the current state (a taken slot, an unlinked room).",
        "RATE_LIMITED": "Too many requests; retry after the given seconds.",
        "GRAPH_ERROR": "Microsoft 365 refused or failed; see the hint.",
    },
)


graphql_enum(
    TenantFeature,
    "TenantFeature",
    "What a tenant uses Transom for; it decides the Graph permissions its app needs.",
    {
        "ROOMS": "Meeting rooms: import, link their mailboxes, sync and book them.",
        "DOOR_DISPLAYS": "Door displays beside the rooms (book now, extend, end, check in).",
        "ABSENCES": "Absences written to people's calendars, with automatic replies.",
        "AVAILABILITY": "People's availability read from their calendars.",
    },
)

graphql_enum(
    PermissionStatus,
    "PermissionStatus",
    "What one real Graph call found about one application permission.",
    {
        "GRANTED": "The call worked: the permission is granted (with admin consent).",
        "MISSING": "Graph refused the call: the permission is not granted.",
        "SHUT_OUT": "Granted, but the application access policy shuts out the "
        "mailbox the call was made on.",
        "NOT_TESTED": "Not tested: no token, no mailbox to try it on, or Graph failed.",
    },
)
graphql_enum(
    RuleKind,
    "SignInRuleKind",
    "What a Sign in with Microsoft role rule matches in the ID token.",
    {
        "USER": "One person: their user principal name or object id.",
        "GROUP": "Members of an Entra security group (object id, groups claim).",
        "APP_ROLE": "People given an app role of the app (its value, roles claim).",
    },
)

__all__ = [
    "ActorKind",
    "Approval",
    "Availability",
    "BookingSource",
    "BookingState",
    "CalendarStatus",
    "ConnectionStatus",
    "DisplayLanguage",
    "ErrorCode",
    "ExtensionState",
    "LinkState",
    "LogLevel",
    "OutboxKind",
    "OutboxStatus",
    "PairingState",
    "PermissionStatus",
    "PrivateMeetingHandling",
    "Role",
    "RoomState",
    "RuleKind",
    "ShowAs",
    "SignInMethod",
    "SyncHealth",
    "SyncMode",
    "SyncState",
    "SyncTarget",
    "TenantFeature",
    "Weekday",
    "graphql_enum",
]
