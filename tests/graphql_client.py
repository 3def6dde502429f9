"""GraphQL over real HTTP, asserting no errors unless asked for them."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLClient:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.token = token
        self._http = httpx.Client(base_url=base_url, timeout=30)

    def __enter__(self) -> GraphQLClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> dict[str, Any]:
        headers = {}
        bearer = token or self.token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = self._http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> dict[str, Any]:
        body = self.post(query, variables, token=token)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        refused = user_errors_of(data)
        assert not refused, refused
        return data

    def user_errors(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> list[dict[str, Any]]:
        """The userErrors of a mutation that was expected to refuse."""
        body = self.post(query, variables, token=token)
        assert "errors" not in body, body["errors"]
        refused = user_errors_of(body["data"])
        assert refused, f"expected userErrors, got {body}"
        return refused

    def error_codes(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> list[str]:
        """Codes of the top-level errors, else of a mutation's userErrors."""
        body = self.post(query, variables, token=token)
        if not body.get("errors"):
            refused = user_errors_of(body.get("data"))
            assert refused, f"expected errors, got {body}"
            return [e["code"] for e in refused]
        return [e.get("extensions", {}).get("code") for e in body["errors"]]


def user_errors_of(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every userErrors entry of the mutation payloads in ``data``."""
    found: list[dict[str, Any]] = []
    for payload in (data or {}).values():
        if isinstance(payload, dict):
            found.extend(payload.get("userErrors") or [])
    return found
