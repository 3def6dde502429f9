"""sync work shared by several processes: process heartbeats and work leases

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _moment(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(
        name, transom.db.types.UTCDateTime(timezone=True), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "sync_processes",
        sa.Column("id", sa.String(64), primary_key=True),
        _moment("heartbeat_at"),
        _moment("started_at"),
    )
    op.create_table(
        "sync_leases",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        _moment("expires_at"),
    )
    op.create_index("ix_sync_leases_owner", "sync_leases", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_sync_leases_owner", "sync_leases")
    op.drop_table("sync_leases")
    op.drop_table("sync_processes")
