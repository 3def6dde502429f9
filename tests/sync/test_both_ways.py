"""Both halves together: bookings made in Transom are completed by the delta sync,
never duplicated."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.sync.harness import address, eventually
from tests.sync.test_outlook_notifications import linked_room, tomorrow

pytestmark = pytest.mark.anyio

BOOK = """
mutation ($input: BookRoomInput!) { bookRoom(input: $input) {
  booking { id state source } userErrors { message code } } }"""


async def test_bookings_made_in_transom_are_confirmed_in_place_by_the_sync(api):
    # given
    room_id = await linked_room(api)
    start = tomorrow(13)

    # when: one for a directory user, one for an external guest
    made = []
    for n, organizer in enumerate((address("adele"), "guest@fabrikam.example")):
        at = start + timedelta(hours=2 * n)
        data = await api.data(
            BOOK,
            input={
                "roomId": room_id,
                "start": at.isoformat(),
                "end": (at + timedelta(hours=1)).isoformat(),
                "subject": f"From Transom {n}",
                "organizerEmail": organizer,
            },
        )
        made.append(data["bookRoom"]["booking"]["id"])

    # then: both confirmed, each exactly once, still Transom's
    async def confirmed():
        found = [b for b in await api.bookings(room_id) if b["state"] != "CANCELLED"]
        done = all(b["state"] == "CONFIRMED" for b in found) and len(found) == 2
        return found if done else None

    found = await eventually(confirmed, 15, "both bookings confirmed once")
    assert sorted(b["id"] for b in found) == sorted(made)
    assert {b["source"] for b in found} == {"TRANSOM"}
