"""lobby displays: a display may be paired to a building (or one of its floors)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("displays") as batch:
        batch.add_column(sa.Column("building", sa.String(200), nullable=True))
        batch.add_column(sa.Column("floor", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("displays") as batch:
        batch.drop_column("floor")
        batch.drop_column("building")
