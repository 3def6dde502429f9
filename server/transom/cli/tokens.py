"""Creating API tokens from the command line."""

from __future__ import annotations

from transom.db import tenants as tenant_repo
from transom.db.engine import create_engine, create_sessions
from transom.db.migrate import upgrade_to_head
from transom.db.tokens import create_token
from transom.domain.access import Role
from transom.settings import Settings


async def create_token_for_cli(
    settings: Settings, tenant_id: str | None, role_name: str, name: str | None
) -> str:
    """Create a token and return its plaintext; ValueError on bad arguments."""
    role = Role(role_name.upper())
    if role is Role.SUPERADMIN and tenant_id:
        raise ValueError("a superadmin token belongs to no tenant: drop --tenant")
    if role is not Role.SUPERADMIN and not tenant_id:
        raise ValueError(f"a {role_name} token needs --tenant <id>")
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with create_sessions(engine)() as session:
            if (
                tenant_id
                and await tenant_repo.get_tenant(session, tenant_id=tenant_id) is None
            ):
                raise ValueError(f"no tenant with id {tenant_id!r}")
            _, plaintext = await create_token(
                session, tenant_id=tenant_id, role=role, name=name or "cli"
            )
            await session.commit()
    finally:
        await engine.dispose()
    return plaintext
