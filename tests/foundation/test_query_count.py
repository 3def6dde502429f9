from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.factories import make_booking, make_room, make_tenant, make_token
from tests.graphql_client import GraphQLClient

pytestmark = pytest.mark.anyio

QUERY = """
query ($start: DateTime!, $end: DateTime!) {
  rooms { id name status { state until }
    bookings(start: $start, end: $end) { id subject organizer { name } } }
}
"""


@contextmanager
def count_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def rooms_query_statements(api, session, clock, room_count: int) -> int:
    tenant = await make_tenant(session, f"T{room_count}")
    for index in range(room_count):
        room = await make_room(session, tenant, f"Room {index:02}")
        await make_booking(session, room, clock.now + timedelta(hours=1))
        await make_booking(session, room, clock.now + timedelta(hours=3))
    token = await make_token(session, tenant)
    variables = {
        "start": clock.now.isoformat(),
        "end": (clock.now + timedelta(days=1)).isoformat(),
    }
    with count_statements() as statements:
        rooms = api.data(QUERY, variables, token=token)["rooms"]
    assert len(rooms) == room_count
    assert all(len(r["bookings"]) == 2 for r in rooms)
    return len(statements)


async def test_listing_50_rooms_with_bookings_takes_as_many_queries_as_5(
    api: GraphQLClient, session, clock
) -> None:
    few = await rooms_query_statements(api, session, clock, 5)
    many = await rooms_query_statements(api, session, clock, 50)
    assert many == few
    assert many <= 6
