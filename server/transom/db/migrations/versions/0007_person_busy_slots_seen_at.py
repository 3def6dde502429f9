"""person calendar sync: when a delta round last saw each busy slot

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_busy_slots") as batch:
        batch.add_column(
            sa.Column(
                "seen_at", transom.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("person_busy_slots") as batch:
        batch.drop_column("seen_at")
