"""Parsing each distinct document once, without hiding syntax errors, and
choosing the operation to run.

Strawberry's ``ParserCache`` parses outside the guard that turns a syntax error
into a result, so a malformed document escaped as an unexpected exception
(masked, without ``GRAPHQL_PARSE_FAILED``). Here a document that does not parse
is left to strawberry's own parse, which reports it properly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from graphql import DocumentNode, ExecutionResult, GraphQLError, OperationDefinitionNode
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.types.graphql import OperationType


class CachedParsing(ParserCache):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield


class OneOperation(SchemaExtension):
    """A document with several operations needs ``operationName`` (GraphQL
    spec, GetOperation); strawberry ran the first one instead."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if (
            document is not None
            and context.result is None
            # operation_name falls back to the first operation's own name
            and not context._provided_operation_name
            and _operation_count(document) > 1
        ):
            error = GraphQLError(
                "this document holds several operations: send operationName to "
                "say which one to run",
                extensions={"code": "OPERATION_NAME_REQUIRED"},
            )
            if context.operation_type is OperationType.SUBSCRIPTION:
                raise error
            context.result = ExecutionResult(data=None, errors=[error])
        yield


def _operation_count(document: DocumentNode) -> int:
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
