"""The ORM models. Every row that belongs to a tenant carries ``tenant_id``.

Relationships are ``lazy="raise"``: implicit I/O fails loudly instead of blocking.
Times are aware UTC (see :class:`UTCDateTime`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from transom.db.types import UTCDateTime


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    directory_id: Mapped[str | None] = mapped_column(String(100))
    client_id: Mapped[str | None] = mapped_column(String(100))
    client_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    client_certificate_encrypted: Mapped[str | None] = mapped_column(Text)
    secret_expires_at: Mapped[datetime | None]
    connection_status: Mapped[str] = mapped_column(String(32), default="DISABLED")
    connection_message: Mapped[str | None] = mapped_column(Text)
    connection_code: Mapped[str | None] = mapped_column(String(64))
    connection_hint: Mapped[str | None] = mapped_column(Text)
    connection_checked_at: Mapped[datetime | None]
    sync_mode: Mapped[str] = mapped_column(String(16), default="NOTIFICATIONS")
    verified_domains: Mapped[list[str] | None] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (
        Index("ix_rooms_tenant_name", "tenant_id", "name"),
        UniqueConstraint("tenant_id", "mailbox_email", name="uq_rooms_tenant_mailbox"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)
    building: Mapped[str | None] = mapped_column(String(200))
    floor: Mapped[str | None] = mapped_column(String(50))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    mailbox_email: Mapped[str | None] = mapped_column(String(320))
    link_state: Mapped[str] = mapped_column(String(16), default="UNLINKED")
    link_error: Mapped[str | None] = mapped_column(Text)
    link_error_code: Mapped[str | None] = mapped_column(String(64))
    link_hint: Mapped[str | None] = mapped_column(Text)
    graph_user_id: Mapped[str | None] = mapped_column(String(100))
    graph_place_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bookings: Mapped[list[Booking]] = relationship(back_populates="room", lazy="raise")


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_room_time", "room_id", "start", "end"),
        # Room analytics (``transom.db.room_usage``) read a tenant's bookings
        # room by room from this index alone: every column they need is in it,
        # in the order they group them (0014).
        Index(
            "ix_bookings_tenant_usage",
            "tenant_id",
            "room_id",
            "start",
            "end",
            "state",
            "ended_early_at",
            "released_at",
            "source",
            "checked_in_at",
            "extended_at",
        ),
        UniqueConstraint("room_id", "graph_event_id", name="uq_bookings_room_event"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    graph_event_id: Mapped[str | None] = mapped_column(String(300))
    organizer_event_id: Mapped[str | None] = mapped_column(String(300))
    ical_uid: Mapped[str | None] = mapped_column(String(300), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    subject: Mapped[str | None] = mapped_column(Text)
    organizer_name: Mapped[str | None] = mapped_column(String(300))
    organizer_email: Mapped[str | None] = mapped_column(String(320))
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="OUTLOOK")
    state: Mapped[str] = mapped_column(String(16), default="CONFIRMED")
    decline_reason: Mapped[str | None] = mapped_column(Text)
    series_id: Mapped[str | None] = mapped_column(String(300))
    checked_in_at: Mapped[datetime | None]
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    change_key: Mapped[str | None] = mapped_column(String(200))
    # A longer end asked for at the door: PENDING until Exchange answers, then
    # CONFIRMED, DECLINED or FAILED (``end`` goes back to ``extension_previous_end``).
    extension_state: Mapped[str | None] = mapped_column(String(16))
    extension_end: Mapped[datetime | None]
    extension_previous_end: Mapped[datetime | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    # What happened at the door (0010), beside ``checked_in_at`` and ``source``
    # DISPLAY; read by room analytics (``transom.domain.room_usage``).
    ended_early_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    extended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    room: Mapped[Room] = relationship(back_populates="bookings", lazy="raise")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("tenant_id", "primary_email", name="uq_people_tenant_email"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    primary_email: Mapped[str] = mapped_column(String(320))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    display_name: Mapped[str] = mapped_column(String(300))
    graph_user_id: Mapped[str | None] = mapped_column(String(100))
    availability_follows_calendar: Mapped[bool] = mapped_column(Boolean, default=True)
    calendar_status: Mapped[str] = mapped_column(String(32), default="NOT_CONNECTED")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Directory import and calendar connection (``transom.sync.people_sync``), 0005.
    calendar_error: Mapped[str | None] = mapped_column(Text)
    calendar_hint: Mapped[str | None] = mapped_column(Text)
    directory_synced_at: Mapped[datetime | None]


class Absence(Base):
    __tablename__ = "absences"
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id", name="uq_absences_external"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    start: Mapped[datetime]
    end: Mapped[datetime]
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    approval: Mapped[str] = mapped_column(String(16), default="PENDING")
    sync_state: Mapped[str] = mapped_column(String(16), default="PENDING")
    graph_event_id: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Outlook sync bookkeeping (``transom.sync.outbox.absences``), migration 0005.
    sync_code: Mapped[str | None] = mapped_column(String(64))
    sync_hint: Mapped[str | None] = mapped_column(Text)
    sync_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deleted_at: Mapped[datetime | None]
    replies_saved: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    replies_state: Mapped[str | None] = mapped_column(String(16))


class Display(Base):
    __tablename__ = "displays"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE")
    )
    room_id: Mapped[str | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="SET NULL")
    )
    # A lobby display shows a building (or one floor of it) instead of a room.
    building: Mapped[str | None] = mapped_column(String(200))
    floor: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str | None] = mapped_column(String(200))
    pairing_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    device_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    language: Mapped[str | None] = mapped_column(String(8))
    paired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class MailboxSyncState(Base):
    """Where one mailbox's calendar sync stands; see ``transom.sync.calendars.state``."""

    __tablename__ = "mailbox_sync_states"
    __table_args__ = (
        UniqueConstraint("tenant_id", "mailbox", name="uq_sync_tenant_mailbox"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    mailbox: Mapped[str] = mapped_column(String(320))
    room_id: Mapped[str | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE")
    )
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE")
    )
    delta_link: Mapped[str | None] = mapped_column(Text)
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    subscription_id: Mapped[str | None] = mapped_column(String(100), index=True)
    subscription_expires_at: Mapped[datetime | None]
    client_state: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(32), default="IDLE")
    last_error: Mapped[str | None] = mapped_column(Text)
    last_synced_at: Mapped[datetime | None]
    mode: Mapped[str] = mapped_column(
        String(16), default="NOTIFICATIONS", server_default="NOTIFICATIONS"
    )
    round_started_at: Mapped[datetime | None]
    round_full: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_hint: Mapped[str | None] = mapped_column(Text)
    status_since: Mapped[datetime | None]
    # Notifications not known to arrive: since when, why, and what clears it
    # (``transom.domain.sync_health.DoubtKind``).
    doubted_since: Mapped[datetime | None]
    doubt: Mapped[str | None] = mapped_column(Text)
    doubt_kind: Mapped[str | None] = mapped_column(String(16))


class OutboxItem(Base):
    """A durable Graph write; see ``transom.sync.outbox.worker``."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    transaction_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_id)
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    booking_id: Mapped[str | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL")
    )
    absence_id: Mapped[str | None] = mapped_column(
        ForeignKey("absences.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AdminUser(Base):
    """A person who signs in to the admin UI (tenant_id None: superadmin)."""

    __tablename__ = "admin_users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # READER or ADMIN for a tenant's admin (None: ADMIN); set at each Microsoft
    # sign-in from the tenant's role rules.
    role: Mapped[str | None] = mapped_column(String(16))
    # The Entra object id (``oid``) of an admin who signs in with Microsoft.
    entra_object_id: Mapped[str | None] = mapped_column(String(36))
    # The admin UI's language (en, da, de); None: the browser's.
    language: Mapped[str | None] = mapped_column(String(8))


class AdminSession(Base):
    """A signed-in browser session; the cookie holds the token, we keep its hash."""

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    admin_user_id: Mapped[str] = mapped_column(
        ForeignKey("admin_users.id", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncLogEntry(Base):
    """Something the sync engine wants an admin to see (errors, fallbacks)."""

    __tablename__ = "sync_log"
    __table_args__ = (Index("ix_sync_log_tenant_time", "tenant_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    room_id: Mapped[str | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE")
    )
    mailbox: Mapped[str | None] = mapped_column(String(320))
    level: Mapped[str] = mapped_column(String(16), default="ERROR")
    code: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    hint: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the entry is about (``transom.domain.sync_health.LogCause``); set
    # ``resolved_at`` when that cause is gone and the entry stops showing.
    cause: Mapped[str | None] = mapped_column(String(32))
    resolved_at: Mapped[datetime | None]


class PersonBusySlot(Base):
    """One event of a person's calendar, reduced to what availability needs.

    ``subject`` and ``location`` stay NULL in free/busy-only mode and for
    private events (``transom.domain.availability.to_busy_slot``).
    """

    __tablename__ = "person_busy_slots"
    __table_args__ = (
        UniqueConstraint("person_id", "graph_event_id", name="uq_busy_slot_event"),
        Index("ix_busy_slots_person_time", "person_id", "start", "end"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    graph_event_id: Mapped[str] = mapped_column(String(300))
    start: Mapped[datetime]
    end: Mapped[datetime]
    show_as: Mapped[str] = mapped_column(String(24))
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    is_all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    # When a delta round last wrote the row: a full resync drops older ones (0007).
    seen_at: Mapped[datetime | None]


class SyncProcess(Base):
    """A live ``transom serve`` process that runs sync work (its heartbeat)."""

    __tablename__ = "sync_processes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    heartbeat_at: Mapped[datetime]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncLease(Base):
    """Which process runs one piece of sync work (a mailbox loop, a singleton)
    until ``expires_at``; see ``transom.sync.ownership``."""

    __tablename__ = "sync_leases"
    __table_args__ = (Index("ix_sync_leases_owner", "owner"),)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


class SsoTenant(Base):
    """A tenant whose admins sign in with Microsoft (its own Entra app)."""

    __tablename__ = "sso_tenants"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SsoDomain(Base):
    """An e-mail domain whose people sign in to that tenant (unique overall)."""

    __tablename__ = "sso_domains"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))


class SsoRoleRule(Base):
    """Entra user, group or app role -> Transom role (ADMIN or READER)."""

    __tablename__ = "sso_role_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "value"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))


class AuditEntry(Base):
    """One change made by an admin, an API token or Transom itself
    (``transom.domain.audit``). No foreign keys: the record outlives what it
    names (a deleted room, a deleted tenant)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_tenant_at", "tenant_id", "at"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    tenant_id: Mapped[str | None] = mapped_column(String(36))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    target_name: Mapped[str | None] = mapped_column(String(320))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
