"""Pairing a lobby display the way the Displays page does it."""

from __future__ import annotations

from typing import Any

from tests.displays.signage import request_pairing
from tests.graphql_client import GraphQLClient

PAIR_LOBBY = """
mutation PairLobby($code: String!, $building: String!, $floor: String) {
  pairLobbyDisplay(code: $code, building: $building, floor: $floor) {
    display { id name state building floor roomId }
    userErrors { field code message }
  }
}
"""
LOBBY_STORE = "transom.lobby.v1"  # the lobby page's localStorage key


def pair_lobby(
    api: GraphQLClient,
    admin_token: str,
    building: str,
    floor: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """A lobby display's device token, and what pairLobbyDisplay answered."""
    pairing = request_pairing(api)
    variables = {"code": pairing["code"], "building": building, "floor": floor}
    answer = api.data(PAIR_LOBBY, variables, token=admin_token)["pairLobbyDisplay"]
    return pairing["secret"], answer
