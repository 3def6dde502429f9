"""Every operation the admin UI sends is valid against the schema (the contract)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse, validate

from transom.api.schema import build_schema

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations" / "web"
FILES = sorted(OPERATIONS.glob("*.graphql"))


def test_the_admin_ui_has_operations() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_operation_parses_and_validates_against_the_schema(path: Path) -> None:
    # given
    schema = build_schema()._schema
    # when
    document = parse(path.read_text())
    errors = validate(schema, document)
    # then
    assert errors == [], f"{path.name}: {[e.message for e in errors]}"
    names = [
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    ]
    assert names == [path.stem], "one operation per file, named like the file"
