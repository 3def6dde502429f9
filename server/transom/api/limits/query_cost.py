"""A cost limit that counts list multiplicity, checked before execution.

Depth alone does not bound work: ``rooms { tenant { rooms { tenant { rooms … }}}}``
is 100 bytes and asks for rooms x rooms x rooms. Each field costs 1, plus its
selections multiplied by how many items it may return: the ``first`` argument
when it has one, :data:`ASSUMED_LIST_SIZE` for any other list. The edges and
nodes of a connection are already counted by the connection's ``first``.

graphql-complexity (the maintained Python package) was tried first: its 1.0.0
does not multiply non-null lists (``[Room!]!``, every list here), is not given
the request's variables, and fails on a variable without a default, so it
would neither bound this schema nor run on our clients' documents.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

MAX_COST = 50_000  # the admin UI's heaviest document (RoomsOfTenant) costs 20,905
ASSUMED_LIST_SIZE = 50
COST_CODE = "QUERY_TOO_COSTLY"


class QueryCost(SchemaExtension):
    """Refuses an operation whose cost is over :data:`MAX_COST` unexecuted."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            schema = context.schema._schema
            cost = operation_cost(
                schema, document, context.operation_name, context.variables or {}
            )
            if cost > MAX_COST:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"this operation may cost {cost}, more than the "
                            f"{MAX_COST} allowed: ask for fewer nested lists or "
                            "pass a smaller `first`",
                            extensions={"code": COST_CODE, "cost": cost},
                        )
                    ],
                )
        yield


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
) -> int:
    """The cost of the operation that would run (0 when none matches)."""
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name and (
            definition.name is None or definition.name.value != operation_name
        ):
            continue
        root = _root_type(schema, definition.operation)
        if root is None:
            return 0
        counter = _Counter(schema, fragments, variables)
        return counter.selections(definition.selection_set, root)
    return 0


def _root_type(
    schema: GraphQLSchema, operation: OperationType
) -> GraphQLObjectType | None:
    if operation is OperationType.QUERY:
        return schema.query_type
    if operation is OperationType.MUTATION:
        return schema.mutation_type
    return schema.subscription_type


class _Counter:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selections(self, selection_set: SelectionSetNode, parent: Any) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                on = self._condition(selection.type_condition, parent)
                total += self.selections(selection.selection_set, on)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    on = self._condition(fragment.type_condition, parent)
                    total += self.selections(fragment.selection_set, on)
        return total

    def _condition(self, condition: NamedTypeNode | None, parent: Any) -> Any:
        if condition is None:
            return parent
        return self.schema.get_type(condition.name.value) or parent

    def field(self, node: FieldNode, parent: Any) -> int:
        if node.selection_set is None:
            return 1
        definition = _field_definition(parent, node.name.value)
        if definition is None:
            return 1
        child_type = get_named_type(definition.type)
        inner = self.selections(node.selection_set, child_type)
        return 1 + self._multiplier(node, definition, parent) * inner

    def _multiplier(
        self, node: FieldNode, definition: GraphQLField, parent: Any
    ) -> int:
        if "first" in definition.args:
            return max(1, self._int_argument(node, "first") or ASSUMED_LIST_SIZE)
        if _is_list(definition.type) and not _is_connection(parent):
            return ASSUMED_LIST_SIZE
        return 1

    def _int_argument(self, node: FieldNode, name: str) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                return raw if isinstance(raw, int) else None
        return None


def _field_definition(parent: Any, name: str) -> GraphQLField | None:
    fields = getattr(parent, "fields", None)
    if not isinstance(fields, dict):
        return None  # a union: its members' fields come through inline fragments
    field = fields.get(name)
    return field if isinstance(field, GraphQLField) else None


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _is_connection(parent: Any) -> bool:
    name = getattr(parent, "name", "")
    return isinstance(name, str) and name.endswith("Connection")
