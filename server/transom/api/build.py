"""Which build of Transom is answering, so long-lived clients (door displays)
notice a new version and reload themselves."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import strawberry

from transom.api.context import Info

# The files whose change must reach a running display.
WATCHED = ("signage", "schema/operations/signage")


def transom_version() -> str:
    try:
        return version("transom")
    except PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=4)
def build_id(assets_dir: Path) -> str:
    """Changes whenever the version or any display asset changes."""
    digest = hashlib.sha256(transom_version().encode())
    for folder in WATCHED:
        for path in sorted((assets_dir / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(assets_dir)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@strawberry.type(description="The running build of Transom.")
class Build:
    version: str = strawberry.field(description="The package version.")
    id: str = strawberry.field(
        description="Changes with every deployment that changes what displays run."
    )


@strawberry.type
class BuildQueries:
    @strawberry.field(description="The running build; needs no token.")
    def build(self, info: Info) -> Build:
        assets = info.context.services.settings.assets_dir
        return Build(version=transom_version(), id=build_id(assets))
