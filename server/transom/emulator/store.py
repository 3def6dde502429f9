"""The emulator's in-memory state and every write to it.

:class:`Emulator` holds the directories (tenants) with their apps, users, rooms,
room lists and mailboxes. Routes read it directly and write events only through
:meth:`Emulator.save_event` / :meth:`Emulator.remove_event`, which bump the
change key, notify change listeners (``Change`` after the write) and mark the
state dirty for the debounced JSON save.

Deferred work (the Resource Booking Attendant answering a room invitation) is
queued with :meth:`Emulator.schedule` and run by the app's background worker
(:meth:`run_due`), or at once by :meth:`drain` when no loop runs (seeding).

Delta sync states live here too (``sync_states``): a token's generation maps
to the snapshot of the view it covered; :meth:`invalidate_delta_tokens` drops
them so clients get 410 ``SyncStateNotFound``. They are not saved: after a
restart old tokens are gone, as when Exchange evicts them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from . import ids
from .keys import SigningKey
from .model import (
    App,
    CalendarProcessing,
    Certificate,
    Change,
    ChangeType,
    Event,
    Secret,
    Tenant,
    User,
)

ChangeListener = Callable[[Change], None]


def iso(moment: datetime) -> str:
    """UTC ISO text with 7 fractional digits, as Graph writes timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


@dataclass
class SyncState:
    """What one delta round returned: item id -> change key, for a view."""

    user_id: str
    window: tuple[str, str]
    seen: dict[str, str]
    pending: list[dict[str, Any]] = field(default_factory=list)


class Emulator:
    """All state of one emulator process.

    >>> emu = Emulator(); emu.add_change_listener(print)
    >>> tenant = next(iter(emu.tenants.values()), None)
    """

    def __init__(
        self,
        *,
        public_graph_url: str = "https://graph.microsoft.com/v1.0",
        public_login_url: str = "https://login.microsoftonline.com",
        attendant_delay: float = 0.2,
        clock: Callable[[], datetime] | None = None,
        signing_key: SigningKey | None = None,
    ) -> None:
        self.public_graph_url = public_graph_url.rstrip("/")
        self.public_login_url = public_login_url.rstrip("/")
        self.attendant_delay = attendant_delay
        self.clock = clock or (lambda: datetime.now(UTC))
        self.signing_key = signing_key or SigningKey.generate()
        self.rng = random.Random()
        self.tenants: dict[str, Tenant] = {}
        self.seed = "empty"
        self.sync_states: dict[str, SyncState] = {}
        self.dirty = False
        self._listeners: list[ChangeListener] = []
        self._jobs: list[tuple[float, Callable[[], None]]] = []

    # -- change hook -------------------------------------------------------
    def add_change_listener(self, callback: ChangeListener) -> None:
        """Call ``callback(change)`` (sync) after every event write."""
        self._listeners.append(callback)

    def notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # -- lookups -----------------------------------------------------------
    def tenant(self, name: str) -> Tenant | None:
        """A directory by GUID or verified domain name (case-insensitive)."""
        key = name.lower()
        for tenant in self.tenants.values():
            if tenant.id == key or key in (d.lower() for d in tenant.domains):
                return tenant
        return None

    def find_user(self, tenant: Tenant, key: str) -> User | None:
        """A user by id, userPrincipalName, mail or any proxy address."""
        if key in tenant.users:
            return tenant.users[key]
        wanted = key.lower()
        for user in tenant.users.values():
            if user.id == wanted or user.user_principal_name.lower() == wanted:
                return user
            if wanted in user.addresses():
                return user
        return None

    def mailbox(self, tenant: Tenant, user_id: str) -> dict[str, Event]:
        return tenant.events.setdefault(user_id, {})

    def app(self, tenant_id: str, client_id: str) -> App:
        tenant = self.tenants[tenant_id]
        return tenant.apps[client_id]

    def room(self, tenant_id: str, address: str) -> User:
        user = self.find_user(self.tenants[tenant_id], address)
        if user is None or user.processing is None:
            raise KeyError(f"no resource mailbox {address!r} in {tenant_id}")
        return user

    # -- event writes ------------------------------------------------------
    def save_event(
        self,
        tenant: Tenant,
        user_id: str,
        event: Event,
        change_type: ChangeType,
        item_id: str | None = None,
    ) -> Event:
        """Store ``event``, bump its change key and notify listeners.

        ``item_id`` names the occurrence written (a series-wide write otherwise).
        """
        now = iso(self.clock())
        event.change_key = ids.change_key(self.rng)
        if item_id is None:
            event.series_key = event.change_key
        event.modified = now
        if change_type == "created":
            event.created = now
        self.mailbox(tenant, user_id)[event.id] = event
        self._changed(Change(tenant.id, user_id, item_id or event.id, change_type))
        return event

    def remove_event(self, tenant: Tenant, user_id: str, event_id: str) -> None:
        """Delete an event from a mailbox and notify listeners."""
        self.mailbox(tenant, user_id).pop(event_id, None)
        self._changed(Change(tenant.id, user_id, event_id, "deleted"))

    def _changed(self, change: Change) -> None:
        self.dirty = True
        self.notify(change)

    # -- deferred work -----------------------------------------------------
    def schedule(self, delay: float, job: Callable[[], None]) -> None:
        """Run ``job`` after ``delay`` seconds (by the app's worker)."""
        self._jobs.append((time.monotonic() + delay, job))

    def run_due(self) -> int:
        """Run jobs whose time has come; returns how many ran."""
        now = time.monotonic()
        due = [job for at, job in self._jobs if at <= now]
        self._jobs = [(at, job) for at, job in self._jobs if at > now]
        for job in due:
            job()
        return len(due)

    def drain(self) -> None:
        """Run every queued job now (used while seeding, when no loop runs)."""
        while self._jobs:
            jobs, self._jobs = self._jobs, []
            for _, job in jobs:
                job()

    # -- control API helpers -----------------------------------------------
    def add_secret(
        self,
        tenant_id: str,
        client_id: str,
        *,
        days: float = 365,
        value: str | None = None,
    ) -> Secret:
        """Add a client secret valid for ``days`` (negative = already expired)."""
        expires = self.clock() + timedelta(days=days)
        secret = Secret(
            id=ids.guid(self.rng),
            value=value or ids.secret_value(self.rng),
            expires=iso(expires),
        )
        self.app(tenant_id, client_id).secrets.append(secret)
        self.dirty = True
        return secret

    def expire_secret(
        self, tenant_id: str, client_id: str, secret_id: str | None = None
    ) -> None:
        """Expire one secret (by id) or all secrets of an app, as of now."""
        past = iso(self.clock() - timedelta(seconds=1))
        for secret in self.app(tenant_id, client_id).secrets:
            if secret_id is None or secret.id == secret_id:
                secret.expires = past
        self.dirty = True

    def register_certificate(
        self, tenant_id: str, client_id: str, certificate_pem: str
    ) -> Certificate:
        """Register an X.509 certificate credential (client assertions)."""
        from .assertions import certificate_thumbprint

        cert = Certificate(
            id=ids.guid(self.rng),
            certificate_pem=certificate_pem,
            thumbprint=certificate_thumbprint(certificate_pem),
        )
        self.app(tenant_id, client_id).certificates.append(cert)
        self.dirty = True
        return cert

    def set_consent(self, tenant_id: str, client_id: str, consented: bool) -> None:
        self.app(tenant_id, client_id).consented = consented
        self.dirty = True

    def set_access_policy(
        self, tenant_id: str, client_id: str, mailboxes: Iterable[str] | None
    ) -> None:
        """Restrict an app to ``mailboxes`` (addresses), or None to lift it."""
        allowed = None if mailboxes is None else sorted(m.lower() for m in mailboxes)
        self.app(tenant_id, client_id).access_policy = allowed
        self.dirty = True

    def set_calendar_processing(
        self, tenant_id: str, room: str, **settings: Any
    ) -> CalendarProcessing:
        """Change a room's calendar processing (snake_case field names)."""
        processing = self.room(tenant_id, room).processing
        assert processing is not None
        for name, value in settings.items():
            if not hasattr(processing, name):
                raise KeyError(f"unknown calendar processing setting {name!r}")
            setattr(processing, name, value)
        self.dirty = True
        return processing

    def invalidate_delta_tokens(
        self, tenant_id: str | None = None, user_id: str | None = None
    ) -> int:
        """Forget delta states (of one mailbox, or all); returns how many."""
        doomed = [
            token
            for token, state in self.sync_states.items()
            if token.startswith(tenant_id or "")
            and (user_id is None or state.user_id == user_id)
        ]
        for token in doomed:
            del self.sync_states[token]
        return len(doomed)

    def reset(self, seed: str | None = None) -> None:
        """Drop all state and load ``seed`` (default: the one started with)."""
        from .seeds import load_seed

        self.tenants.clear()
        self.sync_states.clear()
        self._jobs.clear()
        load_seed(self, seed or self.seed)
        self.dirty = True

    def credentials(self) -> list[dict[str, Any]]:
        """Every tenant with its apps and secrets (for the control API)."""
        return [
            {
                "tenantId": t.id,
                "displayName": t.display_name,
                "domains": list(t.domains),
                "apps": [
                    {
                        "clientId": a.client_id,
                        "displayName": a.display_name,
                        "roles": list(a.roles),
                        "consented": a.consented,
                        "accessPolicy": a.access_policy,
                        "secrets": [vars(s).copy() for s in a.secrets],
                    }
                    for a in t.apps.values()
                ],
            }
            for t in self.tenants.values()
        ]
