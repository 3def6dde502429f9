"""what happened at the door with each booking (ended early, released, extended)
and an index for room analytics by tenant and start

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

MOMENTS = ("ended_early_at", "released_at", "extended_at")


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        for name in MOMENTS:
            batch.add_column(
                sa.Column(
                    name, transom.db.types.UTCDateTime(timezone=True), nullable=True
                )
            )
    op.create_index("ix_bookings_tenant_start", "bookings", ["tenant_id", "start"])


def downgrade() -> None:
    op.drop_index("ix_bookings_tenant_start", "bookings")
    with op.batch_alter_table("bookings") as batch:
        for name in reversed(MOMENTS):
            batch.drop_column(name)
