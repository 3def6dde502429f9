"""The emulator's records: directories, apps, users, rooms and events.

Plain dataclasses holding JSON-friendly values only (str, int, bool, list, dict),
so the whole state saves to and loads from JSON without custom encoders.

Times are ISO strings. An event keeps Graph's own ``dateTimeTimeZone`` values
for ``start``/``end`` (wall time in the zone the client gave, Windows or IANA),
so recurrence expands in the organizer's zone and output converts on demand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, TypeVar

ChangeType = Literal["created", "updated", "deleted"]


@dataclass(frozen=True)
class Change:
    """One event write, handed to every change listener after it happened."""

    tenant_id: str
    user_id: str
    event_id: str
    change_type: ChangeType


@dataclass
class Secret:
    """A client secret: ``id`` is Entra's key id, ``value`` what the app sends."""

    id: str
    value: str
    expires: str
    display_name: str = "emulator"


@dataclass
class Certificate:
    """A registered certificate credential (PEM of the X.509 certificate)."""

    id: str
    certificate_pem: str
    thumbprint: str


@dataclass
class App:
    """An app registration's service principal in one directory.

    ``roles`` are the application roles granted; ``consented`` False means the
    admin never consented, so tokens carry no ``roles``. ``access_policy`` is
    the set of mailbox addresses the app may reach, or None for all.
    """

    client_id: str
    display_name: str
    roles: list[str]
    consented: bool = True
    secrets: list[Secret] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    access_policy: list[str] | None = None
    sign_in: SignInSettings = field(default_factory=lambda: SignInSettings())


@dataclass
class SignInSettings:
    """How the app signs users in (OpenID Connect, delegated).

    ``redirect_uris``: the registered reply URLs (exact match; empty: none, so
    every sign-in fails with AADSTS50011). ``assignment_required``: only users
    in ``assignments`` (directly or through a group) may sign in, else
    AADSTS50105. ``assignments`` maps a user or group id to the app role values
    assigned (``[]`` is the default access). ``user_consent`` False: nobody
    consented to the delegated scopes (AADSTS65001). ``groups_claim``: ID
    tokens carry ``groups`` (groupMembershipClaims "SecurityGroup").
    """

    redirect_uris: list[str] = field(default_factory=list)
    assignment_required: bool = False
    assignments: dict[str, list[str]] = field(default_factory=dict)
    user_consent: bool = True
    groups_claim: bool = True


@dataclass
class Group:
    """A security group; ``members`` are user ids."""

    id: str
    display_name: str
    members: list[str] = field(default_factory=list)


@dataclass
class CalendarProcessing:
    """Exchange ``Set-CalendarProcessing`` settings of a resource mailbox."""

    automate_processing: str = "AutoAccept"
    allow_conflicts: bool = False
    booking_window_in_days: int = 180
    maximum_duration_in_minutes: int = 1440
    allow_recurring_meetings: bool = True
    add_organizer_to_subject: bool = True
    delete_subject: bool = True
    delete_comments: bool = True


@dataclass
class User:
    """A directory user; rooms are users with ``purpose`` room and a ``place``."""

    id: str
    display_name: str
    user_principal_name: str
    mail: str | None
    proxy_addresses: list[str] = field(default_factory=list)
    given_name: str | None = None
    surname: str | None = None
    job_title: str | None = None
    department: str | None = None
    office_location: str | None = None
    account_enabled: bool = True
    purpose: str = "user"
    has_mailbox: bool = True
    mailbox_settings: dict[str, Any] = field(default_factory=dict)
    processing: CalendarProcessing | None = None
    place: dict[str, Any] | None = None
    created: str = "2024-01-01T00:00:00Z"

    def addresses(self) -> list[str]:
        """Every SMTP address of the user, lower-cased."""
        found = [self.mail] if self.mail else []
        found += [p.split(":", 1)[1] for p in self.proxy_addresses if ":" in p]
        return sorted({a.lower() for a in found})


@dataclass
class RoomList:
    """A room list (distribution group of rooms) for ``/places``."""

    id: str
    display_name: str
    email: str
    rooms: list[str]
    address: dict[str, Any] = field(default_factory=dict)


@dataclass
class Event:
    """One calendar item in one mailbox (single instance or series master).

    ``props`` holds the Graph properties as written (subject, body, attendees,
    location(s), showAs, organizer, responseStatus, recurrence, ...).
    ``exceptions`` maps an occurrence's original UTC start to its overrides
    (Graph properties plus ``changeKey``); ``cancelled`` lists cancelled ones.
    ``origin`` links an attendee copy to the organizer's event
    (``user_id/event_id``). ``series_key`` is the change key of the last
    series-wide write: unmodified occurrences carry it, so editing one
    occurrence leaves the others' change keys alone.
    """

    id: str
    props: dict[str, Any]
    start: dict[str, str]
    end: dict[str, str]
    ical_uid: str
    change_key: str
    created: str
    modified: str
    transaction_id: str | None = None
    exceptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    origin: str | None = None
    series_key: str = ""


@dataclass
class Tenant:
    """A directory with its apps, users, room lists and mailboxes' events."""

    id: str
    display_name: str
    domains: list[str]
    apps: dict[str, App] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    room_lists: dict[str, RoomList] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    events: dict[str, dict[str, Event]] = field(default_factory=dict)
    created: str = "2024-01-01T00:00:00Z"


T = TypeVar("T")


def to_json(record: Any) -> Any:
    """A record as plain JSON values."""
    return asdict(record)


def _build(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


def tenant_from_json(data: dict[str, Any]) -> Tenant:
    """Rebuild a :class:`Tenant` saved with :func:`to_json`."""
    tenant = _build(Tenant, data)
    tenant.apps = {k: _app(v) for k, v in data.get("apps", {}).items()}
    tenant.users = {k: _user(v) for k, v in data.get("users", {}).items()}
    tenant.room_lists = {
        k: _build(RoomList, v) for k, v in data.get("room_lists", {}).items()
    }
    tenant.groups = {k: _build(Group, v) for k, v in data.get("groups", {}).items()}
    tenant.events = {
        uid: {eid: _build(Event, e) for eid, e in box.items()}
        for uid, box in data.get("events", {}).items()
    }
    return tenant


def _app(data: dict[str, Any]) -> App:
    app = _build(App, data)
    app.secrets = [_build(Secret, s) for s in data.get("secrets", [])]
    app.certificates = [_build(Certificate, c) for c in data.get("certificates", [])]
    app.sign_in = _build(SignInSettings, data.get("sign_in") or {})
    return app


def _user(data: dict[str, Any]) -> User:
    user = _build(User, data)
    if data.get("processing") is not None:
        user.processing = _build(CalendarProcessing, data["processing"])
    return user
