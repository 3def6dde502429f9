"""Persisted operations: the only documents a door display's token may run.

The allowed documents are the files in ``schema/operations/signage/``. A
request matches when its parsed document, printed canonically (so whitespace,
comments and commas do not matter), has the same SHA-256 as one of them.
Enforced once, here, for every transport: HTTP, both websocket protocols.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path

from graphql import DocumentNode, ExecutionResult, GraphQLError, parse, print_ast
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from transom.domain.displays import is_device_token
from transom.domain.errors import PermissionDeniedError

SIGNAGE_OPERATIONS = Path("schema") / "operations" / "signage"


def document_hash(document: DocumentNode) -> str:
    return hashlib.sha256(print_ast(document).encode()).hexdigest()


@lru_cache(maxsize=4)
def allowed_hashes(folder: Path) -> frozenset[str]:
    """Hashes of every ``*.graphql`` file in ``folder`` (read once per folder)."""
    return frozenset(
        document_hash(parse(path.read_text()))
        for path in sorted(folder.glob("*.graphql"))
    )


class PersistedOperations(SchemaExtension):
    """Refuses any document a device token sends that is not a signage file.

    A refused query or mutation gets a result without being executed (so the
    error extension gives it its code); a refused subscription raises, which
    strawberry turns into the stream's one error result.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        token = context.bearer_token()
        if token is not None and is_device_token(token) and not self._persisted():
            error = PermissionDeniedError(
                "door displays may only run the persisted operations in "
                "schema/operations/signage/; this document is not one of them"
            )
            if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
                raise error
            self.execution_context.result = ExecutionResult(
                data=None, errors=[GraphQLError(error.message, original_error=error)]
            )
        yield

    def _persisted(self) -> bool:
        context = self.execution_context.context
        folder = context.services.settings.assets_dir / SIGNAGE_OPERATIONS
        document = self.execution_context.graphql_document
        if document is None:
            return False
        query = self.execution_context.query
        if query is None:
            return document_hash(document) in allowed_hashes(folder)
        # The document was parsed from this text (CachedParsing): judge each
        # text once, not print and hash it again on every request.
        return persisted_name(folder, query) is not None


@lru_cache(maxsize=256)
def persisted_name(folder: Path, query: str) -> str | None:
    """The signage file (name without ``.graphql``) whose document ``query``
    is, or None (also when it does not parse)."""
    try:
        wanted = document_hash(parse(query))
    except GraphQLError:
        return None
    return _names(folder).get(wanted)


@lru_cache(maxsize=4)
def _names(folder: Path) -> dict[str, str]:
    return {
        document_hash(parse(path.read_text())): path.stem
        for path in sorted(folder.glob("*.graphql"))
    }
