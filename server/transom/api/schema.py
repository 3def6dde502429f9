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

from transom.api.absence_mutations import AbsenceMutations
from transom.api.absence_policy import AbsencePolicyMutations, AbsencePolicyQueries
from transom.api.availability import (
    AvailabilityMutations,
    AvailabilityQueries,
    AvailabilitySubscriptions,
)
from transom.api.booking_mutations import BookingMutations
from transom.api.build import BuildQueries
from transom.api.changes_only import ChangesOnlySchema
from transom.api.display_actions import DisplayActionMutations
from transom.api.display_pairing import DisplayPairingMutations, DisplayPairingQueries
from transom.api.displays import DisplayMutations, DisplayQueries
from transom.api.errors import TransomErrors
from transom.api.input_limits import InputLimits
from transom.api.live import RoomDayQueries, RoomSubscriptions
from transom.api.node_lookup import NodeQueries
from transom.api.outbox_admin import OutboxMutations, OutboxQueries
from transom.api.parsing import CachedParsing, OneOperation
from transom.api.people import PeopleQueries
from transom.api.people_directory import (
    PeopleDirectoryMutations,
    PeopleDirectoryQueries,
)
from transom.api.persisted import PersistedOperations
from transom.api.query_cost import QueryCost
from transom.api.room_admin import RoomMutations
from transom.api.room_linking import RoomLinkingMutations
from transom.api.room_usage import RoomUsageQueries
from transom.api.rooms import RoomQueries
from transom.api.shared_events import SharingExecutor
from transom.api.sync_status import SyncMutations, SyncQueries
from transom.api.tenant_connection import TenantConnectionMutations
from transom.api.tenant_settings import TenantSettingsMutations
from transom.api.tenants import TenantMutations, TenantQueries
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
    BuildQueries,
    RoomDayQueries,
    SyncQueries,
    RoomUsageQueries,
    NodeQueries,
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
    DisplayActionMutations,
    TenantConnectionMutations,
    RoomLinkingMutations,
    SyncMutations,
):
    pass


# Strawberry accepts extension instances, though its annotation lists only
# classes and factories.
_LIMITS: list[Any] = [
    QueryDepthLimiter(max_depth=MAX_DEPTH),
    MaxTokensLimiter(max_token_count=MAX_TOKENS),
    MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
]


@strawberry.type(description="Live updates over websockets.")
class Subscription(RoomSubscriptions, AvailabilitySubscriptions):
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
