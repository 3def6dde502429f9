"""Relay global object identification: the ``Node`` interface.

Ids are the objects' UUIDs, unique across every table, so they serve as
global ids as they are (``node(id:)`` finds the object without a type prefix).
"""

from __future__ import annotations

import strawberry


@strawberry.interface(
    description="An object that can be read on its own by its id (node, nodes)."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Globally unique; the same id in every field and mutation."
    )
