"""Mount points for the emulator's edge features (owned by the edges modules).

One :class:`~.control.EdgeState` per emulator holds what the edges share (fault
plan, throttle counters, notifier, subscriptions); both functions below return
parts wired to that same state. Middleware order, outermost first: the notifier's
lifespan, Exchange throttling (and the request tally), then faults - inside
throttling, so injected latency holds a mailbox's concurrency slot as a slow
Exchange would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from starlette.middleware import Middleware

from .batch import batch_routes
from .control import ControlRoutes, EdgeState
from .control_sign_in import SignInControl
from .faults import FaultMiddleware
from .notifications import NotifierLifespan
from .subscriptions import SubscriptionRoutes
from .throttling import ThrottlingMiddleware

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from .store import Emulator

_STATES: WeakKeyDictionary[Emulator, EdgeState] = WeakKeyDictionary()


def edge_state(emulator: Emulator) -> EdgeState:
    """The edges' shared state for ``emulator`` (created on first use)."""
    if emulator not in _STATES:
        _STATES[emulator] = EdgeState.create(emulator)
    return _STATES[emulator]


def edge_routes(emulator: Emulator) -> list[BaseRoute]:
    from .outlook import outlook_routes

    edges = edge_state(emulator)
    return [
        *batch_routes(),
        *SubscriptionRoutes(emulator, edges.subscriptions).routes(),
        *ControlRoutes(edges).routes(),
        *SignInControl(emulator).routes(),
        *outlook_routes(emulator),
    ]


def edge_middleware(emulator: Emulator) -> list[Middleware]:
    edges = edge_state(emulator)

    def canonical(tenant_id: str, key: str) -> str:
        tenant = emulator.tenants.get(tenant_id)
        user = emulator.find_user(tenant, key) if tenant else None
        return user.id if user else key

    return [
        Middleware(NotifierLifespan, notifier=edges.notifier),
        Middleware(
            ThrottlingMiddleware,
            throttle=edges.throttle,
            tally=edges.tally,
            canonical=canonical,
        ),
        Middleware(FaultMiddleware, faults=edges.faults),
    ]
