from __future__ import annotations

from pathlib import Path

from graphql import build_schema

from transom.api.schema import export_sdl

SCHEMA = Path(__file__).parents[2] / "schema" / "schema.graphql"


def test_exported_schema_file_matches_the_code() -> None:
    assert SCHEMA.read_text() == export_sdl(), (
        "schema/schema.graphql is stale: run `transom schema export`"
    )


def test_schema_has_the_fields_other_clients_rely_on() -> None:
    sdl = export_sdl()
    for fragment in [
        "rooms(",
        "linkState: LinkState!",
        "status: RoomStatus!",
        "organizer: Organizer!",
    ]:
        assert fragment in sdl
    bookings = build_schema(sdl).type_map["Room"].fields["bookings"]
    assert str(bookings.type) == "[Booking!]!"
    assert {n: str(a.type) for n, a in bookings.args.items()} == {
        "start": "DateTime!",
        "end": "DateTime!",
    }
