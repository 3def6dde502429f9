"""A faithful local Microsoft Graph and Entra ID token endpoint.

Imports nothing from the rest of Transom. Typical use::

    from transom.emulator import create_app
    app = create_app(seed="demo")          # Starlette app; state at app.state.emulator
    emulator = app.state.emulator          # Emulator: tenants, users, events, control helpers

or blocking, for the CLI: ``serve("127.0.0.1", 8001, "demo", None)``.

The demo and empty seeds share one directory and app: :data:`TENANT_ID`,
:data:`CLIENT_ID`, :data:`CLIENT_SECRET` (also listed by ``Emulator.credentials()``).
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from .app import build_app
from .keys import SigningKey
from .model import Change
from .persistence import load_state
from .seeds import CLIENT_ID, CLIENT_SECRET, TENANT_DOMAIN, TENANT_ID, load_seed
from .store import Emulator

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "TENANT_DOMAIN",
    "TENANT_ID",
    "Change",
    "Emulator",
    "create_app",
    "serve",
]


def create_app(
    *,
    seed: str = "empty",
    state_file: Path | None = None,
    public_graph_url: str = "https://graph.microsoft.com/v1.0",
    public_login_url: str = "https://login.microsoftonline.com",
    signing_key_pem: str | None = None,
    attendant_delay: float = 0.2,
) -> Starlette:
    """The emulator app: state from ``state_file`` if it exists, else ``seed``.

    ``public_*_url`` are the bases written into links and discovery documents
    (what clients believe they talk to). ``signing_key_pem`` fixes the token
    signing key (else one is generated, or taken from the state file).
    ``attendant_delay`` is how long (s) a room takes to answer an invitation.
    """
    emulator = Emulator(
        public_graph_url=public_graph_url,
        public_login_url=public_login_url,
        attendant_delay=attendant_delay,
        signing_key=SigningKey.from_pem(signing_key_pem) if signing_key_pem else None,
    )
    if state_file is None or not load_state(emulator, state_file):
        load_seed(emulator, seed)
        emulator.drain()
    return build_app(emulator, state_file)


def serve(host: str, port: int, seed: str, state_file: Path | None) -> None:
    """Run the emulator with uvicorn until interrupted (blocking)."""
    import uvicorn

    uvicorn.run(create_app(seed=seed, state_file=state_file), host=host, port=port)
