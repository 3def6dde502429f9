"""Does this process's secret key open the tenant secrets already stored?

Every process of a deployment must share ``TRANSOM_SECRET_KEY``: a process
started with another key (a forgotten variable, a fresh generated
``secret.key`` on a new node) could not use any tenant's credentials, would
mark every room ERROR and fail the writes it claims. So a process checks the
stored secrets first and refuses to start, before touching anything.
"""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from transom.db import models
from transom.security import SecretBox


class SecretKeyMismatchError(ValueError):
    """The secret key cannot decrypt the tenant secrets in the database."""


async def check_secret_key(engine: AsyncEngine, box: SecretBox) -> None:
    """Raise :class:`SecretKeyMismatchError` (one line) if any stored tenant
    secret or certificate cannot be decrypted with ``box``."""
    async with engine.connect() as conn:
        if not await _has_tenants_table(conn):
            return
        rows = (
            await conn.execute(
                select(
                    models.Tenant.name,
                    models.Tenant.client_secret_encrypted,
                    models.Tenant.client_certificate_encrypted,
                )
            )
        ).all()
    refused = [name for name, *secrets in rows if not _opens(box, secrets)]
    if refused:
        shown = ", ".join(sorted(refused)[:3]) + (" …" if len(refused) > 3 else "")
        raise SecretKeyMismatchError(
            f"TRANSOM_SECRET_KEY cannot decrypt the Microsoft 365 secrets stored for "
            f"{len(refused)} tenant(s) ({shown}): give this process the key every "
            "other process of this deployment uses (or restore its secret.key)"
        )


def _opens(box: SecretBox, secrets: list[str | None]) -> bool:
    try:
        for secret in secrets:
            if secret:
                box.decrypt(secret)
    except ValueError:
        return False
    return True


async def _has_tenants_table(conn: AsyncConnection) -> bool:
    return await conn.run_sync(
        lambda sync_conn: inspect(sync_conn).has_table(models.Tenant.__tablename__)
    )
