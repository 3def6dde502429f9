"""Cursor connections for lists that can grow."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from transom.db.pages import Page

T = TypeVar("T")
DEFAULT_PAGE = 50


@strawberry.type(description="Where a page of a connection stands (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More items follow: pass endCursor as `after`."
    )
    has_previous_page: bool = strawberry.field(
        description="Items come before this page (it was asked for with `after`)."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item; null when it is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item; null when it is empty."
    )


@strawberry.type(description="One item of a connection and the cursor after it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Pass as `after` to get the items after this one."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items; pass pageInfo.endCursor as `after`.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(
        description="The items of this page with their cursors."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether more pages follow, and the cursors."
    )

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def to_connection(page: Page[Any], nodes: list[T]) -> Connection[T]:
    edges = [Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )
    return Connection(edges=edges, page_info=info)
