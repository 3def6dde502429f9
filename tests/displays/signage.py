"""The display's persisted operations, and pairing a display the way it is done."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.graphql_client import GraphQLClient

SIGNAGE = Path(__file__).parents[2] / "schema" / "operations" / "signage"
STORE = "transom.display.v1"  # the display's localStorage key

PAIR = """
mutation Pair($code: String!, $roomId: ID!) {
  pairDisplay(code: $code, roomId: $roomId) {
    display { id name state online roomId } userErrors { field code }
  }
}
"""


def operation(name: str) -> str:
    """The exact text of ``schema/operations/signage/<name>.graphql``."""
    return (SIGNAGE / f"{name}.graphql").read_text()


def request_pairing(api: GraphQLClient) -> dict[str, str]:
    data = api.data(operation("RequestDisplayPairing"))
    pairing: dict[str, str] = data["requestDisplayPairing"]["pairing"]
    return pairing


def pair_display(api: GraphQLClient, admin_token: str, room_id: str) -> str:
    """A paired display's device token (its secret)."""
    pairing = request_pairing(api)
    api.data(PAIR, {"code": pairing["code"], "roomId": room_id}, token=admin_token)
    return pairing["secret"]


def pair_room_display(api: GraphQLClient, room_id: str) -> str:
    """A display paired to ``room_id`` with ``api``'s own (admin) token: its
    device token."""
    return pair_display(api, api.token or "", room_id)


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now (so "today" lasts hours
    either side of any meeting a test makes)."""
    offset = 12 - now.hour
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"
