"""absences in Outlook (sync bookkeeping), directory import, person busy slots

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-21 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("absences") as batch:
        batch.add_column(sa.Column("sync_code", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sync_hint", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column(
                "sync_generation", sa.Integer(), nullable=False, server_default="0"
            )
        )
        batch.add_column(
            sa.Column(
                "deleted_at", transom.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch.add_column(sa.Column("replies_saved", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("replies_state", sa.String(length=16), nullable=True)
        )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("calendar_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("calendar_hint", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column(
                "directory_synced_at",
                transom.db.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    op.create_table(
        "person_busy_slots",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(length=36),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.String(length=36),
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("graph_event_id", sa.String(length=300), nullable=False),
        sa.Column("start", transom.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", transom.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("show_as", sa.String(length=24), nullable=False),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("is_all_day", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.UniqueConstraint("person_id", "graph_event_id", name="uq_busy_slot_event"),
    )
    op.create_index(
        "ix_busy_slots_person_time", "person_busy_slots", ["person_id", "start", "end"]
    )


def downgrade() -> None:
    op.drop_index("ix_busy_slots_person_time", table_name="person_busy_slots")
    op.drop_table("person_busy_slots")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("directory_synced_at")
        batch.drop_column("calendar_hint")
        batch.drop_column("calendar_error")
    with op.batch_alter_table("absences") as batch:
        batch.drop_column("replies_state")
        batch.drop_column("replies_saved")
        batch.drop_column("deleted_at")
        batch.drop_column("sync_generation")
        batch.drop_column("sync_hint")
        batch.drop_column("sync_code")
