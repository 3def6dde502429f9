"""What an Entra ID directory id and an application (client) id look like.

A directory is named by its GUID or by one of its verified domains
(``contoso.onmicrosoft.com``); an app registration only by its GUID. Anything
else (``"bad id!"``) would be saved and then fail every Graph call later.
"""

from __future__ import annotations

import re

from transom.domain.errors import InvalidInputError

GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
DOMAIN = re.compile(
    r"(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}"
)


def check_directory_id(value: str, field: str = "directoryId") -> str:
    """The trimmed id; ``InvalidInputError`` unless a GUID or a domain name."""
    value = value.strip()
    if GUID.fullmatch(value) or DOMAIN.fullmatch(value):
        return value
    raise InvalidInputError(
        "the directory (tenant) id is a GUID such as "
        "8d3a5f2e-4c1b-4e7a-9f60-2b7c1d9e0a51 or a verified domain such as "
        "contoso.onmicrosoft.com: copy it from the app's Overview page in Entra ID",
        field=field,
    )


def check_client_id(value: str, field: str = "clientId") -> str:
    """The trimmed id; ``InvalidInputError`` unless a GUID."""
    value = value.strip()
    if GUID.fullmatch(value):
        return value
    raise InvalidInputError(
        "the application (client) id is a GUID: copy it from the app's Overview "
        "page in Entra ID",
        field=field,
    )
