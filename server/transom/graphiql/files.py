"""GraphiQL's browser files: which ones Transom serves, and how they get there.

They come from the npm packages pinned in ``graphiql/package-lock.json``
(``graphiql``, ``react``, ``react-dom``): ``npm ci --ignore-scripts`` there,
then a copy of the few built files below into ``graphiql/static/vendor/``,
next to Transom's own ``graphiql/static/transom-graphiql.js``. The wheel build
(setup.py, which loads this file by path: standard library only) does that for
the package; a checkout runs ``transom graphiql fetch`` once. Neither
``node_modules`` nor the copies are committed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FETCH_COMMAND = "transom graphiql fetch"
# Served name in static/vendor/ -> its path under node_modules/.
VENDOR_FILES = {
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "LICENSE-graphiql.txt": "graphiql/LICENSE",
    "LICENSE-react.txt": "react/LICENSE",
    "LICENSE-react-dom.txt": "react-dom/LICENSE",
}


class BundleError(RuntimeError):
    """GraphiQL's files could not be fetched (the message says why)."""


def graphiql_dir(assets_dir: Path) -> Path:
    """``graphiql/`` in the assets folder (the checkout, or the wheel's copy)."""
    return assets_dir / "graphiql"


def static_dir(graphiql_dir: Path) -> Path:
    """What Transom serves at ``/graphiql/static/``."""
    return graphiql_dir / "static"


def missing_files(graphiql_dir: Path) -> list[str]:
    vendor = static_dir(graphiql_dir) / "vendor"
    return [name for name in VENDOR_FILES if not (vendor / name).is_file()]


def fetch(graphiql_dir: Path, target: Path | None = None) -> Path:
    """``npm ci`` in *graphiql_dir* (which holds package.json and its lock),
    then copy the served files into *target* (default: its static/vendor/)."""
    if not (graphiql_dir / "package-lock.json").is_file():
        raise BundleError(
            f"no graphiql/package-lock.json in {graphiql_dir.parent}: fetching "
            "GraphiQL needs a source checkout (a wheel carries its files)"
        )
    npm = shutil.which("npm")
    if npm is None:
        raise BundleError("npm not found: install Node.js 18 or later with npm")
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    done = subprocess.run(
        command, cwd=graphiql_dir, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BundleError("npm ci failed in graphiql/: " + " / ".join(tail))
    vendor = target or static_dir(graphiql_dir) / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for name, source in VENDOR_FILES.items():
        shutil.copyfile(graphiql_dir / "node_modules" / source, vendor / name)
    return vendor
