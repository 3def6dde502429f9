"""Cursor connections for lists that can grow."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from transom.db.pages import Page

T = TypeVar("T")
DEFAULT_PAGE = 50


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="One item of a connection and the cursor after it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of items; pass pageInfo.endCursor as `after`.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def to_connection(page: Page[Any], nodes: list[T]) -> Connection[T]:
    edges = [Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)]
    end = page.cursors[-1] if page.cursors else None
    return Connection(
        edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end)
    )
