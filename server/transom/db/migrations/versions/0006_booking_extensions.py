"""booking extensions asked for at the door (pending until Exchange answers)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(
            sa.Column("extension_state", sa.String(length=16), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "extension_end",
                transom.db.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column(
                "extension_previous_end",
                transom.db.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("extension_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("extension_reason")
        batch.drop_column("extension_previous_end")
        batch.drop_column("extension_end")
        batch.drop_column("extension_state")
