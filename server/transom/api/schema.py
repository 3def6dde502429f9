"""Assembles the one GraphQL schema from the area modules."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    ValidationCache,
)

from transom.api.absences.mutations import AbsenceMutations
from transom.api.absences.policy import AbsencePolicyMutations, AbsencePolicyQueries
from transom.api.admins.mutations import AdminMutations
from transom.api.admins.types import AdminQueries
from transom.api.audit.log import AuditLogQueries
from transom.api.audit.recorder import audit_every_mutation
from transom.api.bookings.mutations import BookingMutations
from transom.api.build import BuildQueries
from transom.api.changes_only import ChangesOnlySchema
from transom.api.displays.actions import DisplayActionMutations
from transom.api.displays.admin import DisplayMutations, DisplayQueries
from transom.api.displays.lobby import LobbyMutations, LobbyQueries
from transom.api.displays.lobby_live import LobbySubscriptions
from transom.api.displays.pairing import DisplayPairingMutations, DisplayPairingQueries
from transom.api.errors import TransomErrors
from transom.api.limits.input_text import InputLimits
from transom.api.limits.query_cost import QueryCost
from transom.api.live import RoomDayQueries, RoomSubscriptions
from transom.api.node_lookup import NodeQueries
from transom.api.people.availability import (
    AvailabilityMutations,
    AvailabilityQueries,
    AvailabilitySubscriptions,
)
from transom.api.people.directory import (
    PeopleDirectoryMutations,
    PeopleDirectoryQueries,
)
from transom.api.people.types import PeopleQueries
from transom.api.rooms.admin import RoomMutations
from transom.api.rooms.linking import RoomLinkingMutations
from transom.api.rooms.types import RoomQueries
from transom.api.rooms.usage import RoomUsageQueries
from transom.api.shared_events import SharingExecutor
from transom.api.sync.outbox import OutboxMutations, OutboxQueries
from transom.api.sync.status import SyncMutations, SyncQueries
from transom.api.tenants.connection import TenantConnectionMutations
from transom.api.tenants.onboarding import TenantOnboardingMutations
from transom.api.tenants.settings import TenantSettingsMutations
from transom.api.tenants.sign_in import TenantSignInMutations, TenantSignInQueries
from transom.api.tenants.types import TenantMutations, TenantQueries
from transom.api.tokens.admin import ApiTokenMutations, ApiTokenQueries
from transom.api.transport.parsing import CachedParsing, OneOperation
from transom.api.transport.persisted import PersistedOperations
from transom.api.viewer import ViewerQueries

MAX_DEPTH = 12
MAX_TOKENS = 5000
MAX_ALIASES = 30


@strawberry.type(description="Everything you can read.")
class Query(
    ViewerQueries,
    TenantQueries,
    RoomQueries,
    PeopleQueries,
    PeopleDirectoryQueries,
    AvailabilityQueries,
    AbsencePolicyQueries,
    OutboxQueries,
    DisplayQueries,
    DisplayPairingQueries,
    LobbyQueries,
    BuildQueries,
    RoomDayQueries,
    SyncQueries,
    RoomUsageQueries,
    ApiTokenQueries,
    TenantSignInQueries,
    AuditLogQueries,
    NodeQueries,
    AdminQueries,
):
    pass


@strawberry.type(description="Everything you can change.")
class Mutation(
    TenantMutations,
    RoomMutations,
    TenantSettingsMutations,
    BookingMutations,
    AbsenceMutations,
    AbsencePolicyMutations,
    AvailabilityMutations,
    PeopleDirectoryMutations,
    OutboxMutations,
    DisplayMutations,
    DisplayPairingMutations,
    LobbyMutations,
    DisplayActionMutations,
    TenantConnectionMutations,
    TenantOnboardingMutations,
    RoomLinkingMutations,
    SyncMutations,
    ApiTokenMutations,
    TenantSignInMutations,
    AdminMutations,
):
    pass


# Every successful mutation is recorded in the audit log, present and future.
audit_every_mutation(Mutation)


# Strawberry accepts extension instances, though its annotation lists only
# classes and factories.
_LIMITS: list[Any] = [
    QueryDepthLimiter(max_depth=MAX_DEPTH),
    MaxTokensLimiter(max_token_count=MAX_TOKENS),
    MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
]


@strawberry.type(description="Live updates over websockets.")
class Subscription(RoomSubscriptions, LobbySubscriptions, AvailabilitySubscriptions):
    pass


def build_schema() -> strawberry.Schema:
    # Subscriptions push a result only when it differs from the last sent.
    return ChangesOnlySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            TransomErrors,
            PersistedOperations,
            OneOperation,
            InputLimits,
            QueryCost,
            *_LIMITS,
            # Displays send the same few documents: parse and validate each once
            # (a thousand reconnecting after a restart cost one validation).
            CachedParsing,
            ValidationCache,
        ],
        # One execution per subscription event shared by many subscribers.
        execution_context_class=SharingExecutor,
    )


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
