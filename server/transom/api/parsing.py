"""Parsing each distinct document once, without hiding syntax errors.

Strawberry's ``ParserCache`` parses outside the guard that turns a syntax error
into a result, so a malformed document escaped as an unexpected exception
(masked, without ``GRAPHQL_PARSE_FAILED``). Here a document that does not parse
is left to strawberry's own parse, which reports it properly.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache


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
