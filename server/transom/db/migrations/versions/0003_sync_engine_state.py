"""sync engine state: mode, resync rounds, error details; room link hint; tenant domains

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox_sync_states") as batch:
        batch.add_column(
            sa.Column(
                "mode",
                sa.String(length=16),
                nullable=False,
                server_default="NOTIFICATIONS",
            )
        )
        batch.add_column(
            sa.Column(
                "round_started_at",
                transom.db.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column(
                "round_full", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(sa.Column("error_code", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("error_hint", sa.Text(), nullable=True))
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("link_hint", sa.Text(), nullable=True))
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("verified_domains", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("verified_domains")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("link_hint")
    with op.batch_alter_table("mailbox_sync_states") as batch:
        batch.drop_column("error_hint")
        batch.drop_column("error_code")
        batch.drop_column("round_full")
        batch.drop_column("round_started_at")
        batch.drop_column("mode")
