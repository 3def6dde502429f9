"""The build carries the browser clients into the package.

The repository keeps its top-level layout (``web/``, ``signage/``,
``schema/operations/``); building the wheel copies those folders into
``transom/assets/``, where an installed Transom finds them (see
``transom.settings``). An editable install reads them from the checkout instead.
Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
ASSET_FOLDERS = ("web", "signage", "schema/operations")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


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


setup(cmdclass={"build_py": BuildPyWithAssets})
