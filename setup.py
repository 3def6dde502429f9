"""The build carries the browser clients into the package.

The repository keeps its top-level layout (``web/``, ``signage/``,
``schema/operations/``, ``graphiql/``); building the wheel copies those folders
into ``transom/assets/``, where an installed Transom finds them (see
``transom.settings``), and fetches GraphiQL's browser files from npm into it
(see ``transom.graphiql.files``). An editable install reads them from
the checkout instead. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
ASSET_FOLDERS = ("web", "signage", "schema/operations", "graphiql/static")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


def _graphiql_files() -> ModuleType:
    """transom/graphiql/files.py, loaded by path (standard library only;
    the package's dependencies are not installed in the build environment)."""
    path = ROOT / "server" / "transom" / "graphiql" / "files.py"
    spec = importlib.util.spec_from_file_location("graphiql_files", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithAssets(build_py):
    """``build_py`` plus a copy of the asset folders into ``transom/assets``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout is the assets folder
        target = Path(self.build_lib) / "transom" / "assets"
        for folder in ASSET_FOLDERS:
            shutil.copytree(
                ROOT / folder, target / folder, ignore=SKIP, dirs_exist_ok=True
            )
        # GraphiQL's built files, from the npm packages graphiql/package-lock.json
        # pins (npm ci --ignore-scripts); the build fails when npm does.
        bundle = _graphiql_files()
        bundle.fetch(ROOT / "graphiql", target / "graphiql" / "static" / "vendor")


setup(cmdclass={"build_py": BuildPyWithAssets})
