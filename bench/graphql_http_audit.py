"""Run the graphql-http server audit (GraphQL over HTTP) against Transom.

Starts Transom on a free port (SQLite in a temp dir, sync off) and runs the
npm package graphql-http's ``auditServer`` against ``/graphql``; prints every
result that is not "ok" and the counts. Needs Node.js and npm: the package is
installed once into ``bench/graphql_http/node_modules`` (git-ignored).

Usage: ``.venv/bin/python bench/graphql_http_audit.py``
(last run: 61 ok, 0 warn, 0 error).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import serve_in_thread
from transom.app import create_app
from transom.settings import Settings

HERE = Path(__file__).parent / "graphql_http"


def main() -> None:
    if not (HERE / "node_modules" / "graphql-http").exists():
        subprocess.run(
            ["npm", "install", "--no-save", "--silent", "graphql-http", "graphql"],
            cwd=HERE,
            check=True,
        )
    with tempfile.TemporaryDirectory() as data:
        settings = Settings.from_env(
            {
                "TRANSOM_DATA_DIR": data,
                "TRANSOM_SECRET_KEY": "bench-secret-key-" + "x" * 32,
                "TRANSOM_RUN_SYNC": "false",
            }
        )
        with serve_in_thread(create_app(settings)) as base:
            subprocess.run(
                ["node", str(HERE / "audit.mjs"), f"{base}/graphql"], check=True
            )


if __name__ == "__main__":
    main()
