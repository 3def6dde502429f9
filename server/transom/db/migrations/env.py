"""Alembic environment: migrations always run on a connection handed in by
``transom.db.migrate`` (async engines bridge through ``run_sync``)."""

from __future__ import annotations

from alembic import context

from transom.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `transom migrate`")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
