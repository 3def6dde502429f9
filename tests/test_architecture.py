"""Module boundaries: dependencies point down (STYLE.md §2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "server" / "transom"

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": ("transom.db", "transom.api", "transom.graph", "transom.sync", "transom.app",
               "sqlalchemy", "strawberry", "starlette", "httpx", "msgraph", "azure", "kiota"),
    "db": ("transom.api", "transom.graph", "transom.sync", "transom.app", "strawberry",
           "msgraph", "azure"),
    "graph": ("transom.api", "transom.db", "transom.sync", "transom.app", "strawberry",
              "sqlalchemy", "transom.telemetry"),
    "sync": ("transom.api", "transom.app", "strawberry"),
    "api": ("transom.graph", "msgraph", "azure", "kiota"),
    "emulator": ("transom.api", "transom.db", "transom.graph", "transom.sync",
                 "transom.domain", "transom.app", "transom.settings"),
    "pubsub": ("transom.api", "transom.db", "transom.graph", "transom.sync",
               "transom.domain", "transom.app", "transom.pages", "strawberry",
               "sqlalchemy", "starlette"),
    "pages": ("transom.graph", "transom.sync", "transom.app", "msgraph", "azure"),
    "check": ("transom.api", "transom.app", "transom.pages", "strawberry"),
    "telemetry": ("transom.api", "transom.graph", "transom.sync", "transom.app",
                  "transom.pages", "strawberry", "msgraph", "azure"),
}  # fmt: skip
BELOW_THE_COMMAND_LINE = ("domain", "db", "graph", "sync", "api", "emulator", "pubsub",
                          "pages", "telemetry", "check")  # fmt: skip
PUBSUB_BACKENDS = ("memory", "redis_transport", "postgres_transport")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                found.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    assert violations(layer) == []


@pytest.mark.parametrize("layer", BELOW_THE_COMMAND_LINE)
def test_no_layer_imports_the_command_line(layer: str) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imports_of(path)
        if name == "transom.cli" or name.startswith("transom.cli.")
    ]
    assert offenders == []


@pytest.mark.parametrize("backend", PUBSUB_BACKENDS)
def test_event_bus_backends_import_only_its_base(backend: str) -> None:
    names = imports_of(PACKAGE / "pubsub" / f"{backend}.py")
    ours = {name for name in names if name.startswith("transom.pubsub")}
    assert ours <= {"transom.pubsub.base"}


def test_only_the_graph_adapter_imports_msgraph_or_azure_identity() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(PACKAGE / "graph"):
            continue
        for name in imports_of(path):
            if name.split(".")[0] in (
                "msgraph",
                "msgraph_core",
                "azure",
                "kiota_abstractions",
            ):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


API_AREAS = {"rooms", "bookings", "displays", "tenants", "people", "absences", "sync",
             "tokens", "audit", "admins", "transport", "limits"}  # fmt: skip
API_SHARED = {"__init__", "schema", "context", "errors", "loaders", "pagination", "scope",
              "viewer", "build", "payloads", "node", "node_lookup", "enums",
              "changes_only", "shared_events", "live"}  # fmt: skip


def test_api_is_arranged_by_area() -> None:
    """The API's root holds what every area shares; each area has its folder."""
    api = PACKAGE / "api"
    folders = {p.name for p in api.iterdir() if p.is_dir() and p.name != "__pycache__"}
    modules = {p.stem for p in api.glob("*.py")}
    assert folders == API_AREAS
    assert modules == API_SHARED


def test_every_reference_to_an_api_module_resolves() -> None:
    """A dotted ``transom.api.…`` name in code, tests or docs names a real module
    (or a name in one), so a move cannot leave a stale reference behind."""
    import importlib
    import importlib.util
    import re

    root = PACKAGE.parents[1]
    sources = [root / "README.md", *root.glob("docs/*.md")]
    sources += [*(root / "server").rglob("*.py"), *(root / "tests").rglob("*.py")]
    stale = set()
    for path in sources:
        for name in re.findall(r"transom\.api(?:\.[a-z_]+)+", path.read_text()):
            parts = name.split(".")
            # the longest prefix that is a module; what follows may be a name in it
            while parts and importlib.util.find_spec(".".join(parts)) is None:
                parts.pop()
            rest = name.split(".")[len(parts) :]
            module = importlib.import_module(".".join(parts))
            if len(rest) > 1 or (rest and not hasattr(module, rest[0])):
                stale.add(f"{path.relative_to(root)}: {name}")
    assert sorted(stale) == []
