"""verified sync state: since when a status holds, doubts about notifications,
sync-log entries that clear when their cause is gone

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _moment(name: str) -> sa.Column[object]:
    return sa.Column(name, transom.db.types.UTCDateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("mailbox_sync_states") as batch:
        batch.add_column(_moment("status_since"))
        batch.add_column(_moment("doubted_since"))
        batch.add_column(sa.Column("doubt", sa.Text(), nullable=True))
        batch.add_column(sa.Column("doubt_kind", sa.String(16), nullable=True))
    with op.batch_alter_table("sync_log") as batch:
        batch.add_column(sa.Column("cause", sa.String(32), nullable=True))
        batch.add_column(_moment("resolved_at"))


def downgrade() -> None:
    with op.batch_alter_table("sync_log") as batch:
        batch.drop_column("resolved_at")
        batch.drop_column("cause")
    with op.batch_alter_table("mailbox_sync_states") as batch:
        batch.drop_column("doubt_kind")
        batch.drop_column("doubt")
        batch.drop_column("doubted_since")
        batch.drop_column("status_since")
