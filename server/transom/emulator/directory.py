"""Directory routes: ``/organization``, ``/users``, ``/users/{id}``.

``/users`` pages with ``$skiptoken`` nextLinks (default 100, ``$top`` up to
999), honours ``$select`` (default property set as Graph's v1.0) and the
``$filter`` subset of :mod:`.user_filters`. ``/users/{id}`` takes an id or a
userPrincipalName (and, as a convenience, any SMTP address).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .auth import authorize
from .errors import GraphError
from .mailboxes import emulator_of
from .model import Tenant, User
from .odata import collection, context_url, graph_json, paged, select
from .user_filters import parse_user_filter

DEFAULT_USER_FIELDS = [
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
]


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "businessPhones": [],
        "displayName": user.display_name,
        "givenName": user.given_name,
        "jobTitle": user.job_title,
        "mail": user.mail,
        "mobilePhone": None,
        "officeLocation": user.office_location,
        "preferredLanguage": "en-US",
        "surname": user.surname,
        "userPrincipalName": user.user_principal_name,
        "accountEnabled": user.account_enabled,
        "department": user.department,
        "proxyAddresses": list(user.proxy_addresses),
        "mailNickname": user.user_principal_name.split("@", 1)[0],
        "createdDateTime": user.created,
        "userType": "Member",
        "otherMails": [],
        "usageLocation": "US",
    }


def organization_json(tenant: Tenant) -> dict[str, Any]:
    domains = [
        {
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": index == 0,
            "isInitial": name.endswith(".onmicrosoft.com"),
            "name": name,
            "type": "Managed",
        }
        for index, name in enumerate(tenant.domains)
    ]
    return {
        "id": tenant.id,
        "displayName": tenant.display_name,
        "tenantType": "AAD",
        "countryLetterCode": "US",
        "preferredLanguage": "en",
        "createdDateTime": tenant.created,
        "businessPhones": [],
        "technicalNotificationMails": [],
        "assignedPlans": [],
        "provisionedPlans": [],
        "verifiedDomains": domains,
        "onPremisesSyncEnabled": None,
    }


async def organization(request: Request) -> Response:
    emulator = emulator_of(request)
    context = authorize(request, emulator, role="Organization.Read.All")
    items = [select(organization_json(context.tenant), request)]
    return collection(request, context_url(emulator, "organization"), items)


async def list_users(request: Request) -> Response:
    emulator = emulator_of(request)
    context = authorize(request, emulator, role="User.Read.All")
    items = [user_json(u) for u in context.tenant.users.values()]
    if expression := request.query_params.get("$filter"):
        predicate = parse_user_filter(expression)
        items = [i for i in items if predicate(i)]
    page, next_link = paged(request, emulator, items, default=100, maximum=999)
    value = [select(i, request, DEFAULT_USER_FIELDS) for i in page]
    return collection(request, context_url(emulator, "users"), value, next_link)


async def get_user(request: Request) -> Response:
    emulator = emulator_of(request)
    context = authorize(request, emulator, role="User.Read.All")
    key = request.path_params["user"]
    user = emulator.find_user(context.tenant, key)
    if user is None:
        raise GraphError(
            404,
            "Request_ResourceNotFound",
            f"Resource '{key}' does not exist or one of its queried reference-property "
            "objects are not present.",
        )
    body = {"@odata.context": context_url(emulator, "users/$entity")}
    body.update(select(user_json(user), request, DEFAULT_USER_FIELDS))
    return graph_json(request, body)


routes = [
    Route("/v1.0/organization", organization),
    Route("/v1.0/users", list_users),
    Route("/v1.0/users/{user}", get_user),
]
