"""sign in with Microsoft: SSO tenants, their e-mail domains, role rules; admin roles

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import transom.db.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _tenant_fk(*, primary_key: bool = False) -> sa.Column[object]:
    return sa.Column(
        "tenant_id",
        sa.String(36),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("admin_users") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=True))
        batch.add_column(sa.Column("entra_object_id", sa.String(36), nullable=True))
    op.create_table(
        "sso_tenants",
        _tenant_fk(primary_key=True),
        sa.Column(
            "created_at",
            transom.db.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
    )
    op.create_table(
        "sso_domains",
        sa.Column("domain", sa.String(255), primary_key=True),
        _tenant_fk(),
    )
    op.create_table(
        "sso_role_rules",
        sa.Column("id", sa.String(36), primary_key=True),
        _tenant_fk(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.UniqueConstraint("tenant_id", "kind", "value"),
    )


def downgrade() -> None:
    op.drop_table("sso_role_rules")
    op.drop_table("sso_domains")
    op.drop_table("sso_tenants")
    with op.batch_alter_table("admin_users") as batch:
        batch.drop_column("entra_object_id")
        batch.drop_column("role")
