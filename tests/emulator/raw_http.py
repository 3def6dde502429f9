"""Raw HTTP to the emulator, for what msgraph-sdk has no call for."""

from __future__ import annotations

import httpx

from transom.emulator import CLIENT_ID, CLIENT_SECRET, TENANT_ID

TOKEN_FORM = {
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "grant_type": "client_credentials",
    "scope": "https://graph.microsoft.com/.default",
}


async def request_token(
    client: httpx.AsyncClient, secret: str = CLIENT_SECRET
) -> httpx.Response:
    """The token endpoint's answer for the demo app (client has base_url)."""
    form = {**TOKEN_FORM, "client_secret": secret}
    return await client.post(f"/{TENANT_ID}/oauth2/v2.0/token", data=form)


async def bearer(client: httpx.AsyncClient) -> dict[str, str]:
    """An Authorization header from the demo app's token."""
    response = await request_token(client)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def token(base_url: str) -> str:
    """The demo app's access token, fetched synchronously."""
    response = httpx.post(f"{base_url}/{TENANT_ID}/oauth2/v2.0/token", data=TOKEN_FORM)
    assert response.status_code == 200, response.text
    value: str = response.json()["access_token"]
    return value
