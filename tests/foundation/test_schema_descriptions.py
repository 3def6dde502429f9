"""Every part of the schema a frontend developer reads is described."""

from __future__ import annotations

from fnmatch import fnmatchcase as fnmatch

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
)

from transom.api.schema import build_schema

# Types (fnmatch patterns) another change describes while it is in progress: the
# mutation payloads with userErrors, and Relay's Node. Set to () once it is merged.
NOT_YET: tuple[str, ...] = ()


def undescribed(types: list[GraphQLNamedType]) -> list[str]:
    """Every type, field, argument, input field and enum value without a description."""
    missing: list[str] = []
    for t in types:
        if t.name.startswith("__"):
            continue
        if any(fnmatch(t.name, pattern) for pattern in NOT_YET):
            continue
        if not t.description:
            missing.append(t.name)
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in t.fields.items():
                if not field.description:
                    missing.append(f"{t.name}.{name}")
                missing += [
                    f"{t.name}.{name}({arg})"
                    for arg, a in field.args.items()
                    if not a.description
                ]
        elif isinstance(t, GraphQLInputObjectType):
            missing += [
                f"{t.name}.{n}" for n, f in t.fields.items() if not f.description
            ]
        elif isinstance(t, GraphQLEnumType):
            missing += [
                f"{t.name}.{n}" for n, v in t.values.items() if not v.description
            ]
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    schema = build_schema()._schema
    missing = undescribed(sorted(schema.type_map.values(), key=lambda t: t.name))
    assert missing == [], f"{len(missing)} undescribed:\n" + "\n".join(missing)


def test_undescribed_parts_are_listed_by_name() -> None:
    bare = GraphQLObjectType(
        "Bare",
        {"id": GraphQLField(GraphQLID, {"of": GraphQLArgument(GraphQLID)})},
        description="Described, but nothing in it is.",
    )
    kind = GraphQLEnumType("Kind", {"ONE": GraphQLEnumValue("ONE")})
    assert undescribed([bare, kind]) == ["Bare.id", "Bare.id(of)", "Kind", "Kind.ONE"]
