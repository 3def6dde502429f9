"""room analytics read a tenant's bookings from one covering index

The index of 0010 (tenant, start) becomes (tenant, room, start) followed by
every other column room analytics read: a year of a large tenant is read from
the index alone (SQLite never touches the table; PostgreSQL with an index-only
scan once the table is vacuumed), already grouped by room and sorted by start.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

USAGE_COLUMNS = [
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
]


def upgrade() -> None:
    op.create_index("ix_bookings_tenant_usage", "bookings", USAGE_COLUMNS)
    op.drop_index("ix_bookings_tenant_start", "bookings")


def downgrade() -> None:
    op.create_index("ix_bookings_tenant_start", "bookings", ["tenant_id", "start"])
    op.drop_index("ix_bookings_tenant_usage", "bookings")
