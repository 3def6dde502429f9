"""Adding directories, apps, users, rooms and room lists to an emulator.

Used by the seeds, by tests and by the control API. Every function takes the
:class:`~.store.Emulator` and returns the record it created.

>>> tenant = add_tenant(emu, "Fabrikam", "fabrikam.onmicrosoft.com")
>>> app = add_app(emu, tenant.id, "Transom", roles=ALL_ROLES)
>>> add_user(emu, tenant.id, "Ada Lovelace", "ada")
"""

from __future__ import annotations

from typing import Any

from . import ids
from .model import App, CalendarProcessing, RoomList, Tenant, User
from .store import Emulator

ALL_ROLES = [
    "Calendars.ReadWrite",
    "MailboxSettings.ReadWrite",
    "User.Read.All",
    "Place.Read.All",
    "Organization.Read.All",
]

DEFAULT_WORKING_HOURS = {
    "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
    "startTime": "08:00:00.0000000",
    "endTime": "17:00:00.0000000",
    "timeZone": {"name": "UTC"},
}


def add_tenant(
    emulator: Emulator, display_name: str, domain: str, tenant_id: str | None = None
) -> Tenant:
    tenant = Tenant(
        id=tenant_id or ids.guid(emulator.rng),
        display_name=display_name,
        domains=[domain],
    )
    emulator.tenants[tenant.id] = tenant
    emulator.dirty = True
    return tenant


def add_app(
    emulator: Emulator,
    tenant_id: str,
    display_name: str,
    *,
    roles: list[str] | None = None,
    client_id: str | None = None,
    consented: bool = True,
) -> App:
    app = App(
        client_id=client_id or ids.guid(emulator.rng),
        display_name=display_name,
        roles=list(ALL_ROLES if roles is None else roles),
        consented=consented,
    )
    emulator.tenants[tenant_id].apps[app.client_id] = app
    emulator.dirty = True
    return app


def default_mailbox_settings(purpose: str, time_zone: str = "UTC") -> dict[str, Any]:
    return {
        "archiveFolder": None,
        "timeZone": time_zone,
        "automaticRepliesSetting": {
            "status": "disabled",
            "externalAudience": "all",
            "internalReplyMessage": "",
            "externalReplyMessage": "",
            "scheduledStartDateTime": {
                "dateTime": "2024-01-01T00:00:00.0000000",
                "timeZone": "UTC",
            },
            "scheduledEndDateTime": {
                "dateTime": "2024-01-02T00:00:00.0000000",
                "timeZone": "UTC",
            },
        },
        "language": {"locale": "en-US", "displayName": "English (United States)"},
        "dateFormat": "M/d/yyyy",
        "timeFormat": "h:mm tt",
        "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
        "workingHours": dict(DEFAULT_WORKING_HOURS),
        "userPurpose": purpose,
    }


def add_user(
    emulator: Emulator,
    tenant_id: str,
    display_name: str,
    alias: str,
    *,
    aliases: list[str] | None = None,
    has_mailbox: bool = True,
    **fields: Any,
) -> User:
    """A user ``alias@<first domain>``; ``aliases`` become extra proxy addresses."""
    tenant = emulator.tenants[tenant_id]
    address = f"{alias}@{tenant.domains[0]}"
    proxies = [f"SMTP:{address}"] + [f"smtp:{a}" for a in aliases or []]
    purpose = fields.pop("purpose", "user")
    user = User(
        id=fields.pop("user_id", None) or ids.guid(emulator.rng),
        display_name=display_name,
        user_principal_name=address,
        mail=address if has_mailbox else None,
        proxy_addresses=proxies if has_mailbox else [],
        has_mailbox=has_mailbox,
        purpose=purpose,
        mailbox_settings=default_mailbox_settings(purpose) if has_mailbox else {},
        **fields,
    )
    if " " in display_name and purpose == "user":
        user.given_name, user.surname = display_name.split(" ", 1)
    tenant.users[user.id] = user
    emulator.dirty = True
    return user


def add_room(
    emulator: Emulator,
    tenant_id: str,
    display_name: str,
    alias: str,
    *,
    capacity: int,
    building: str | None = None,
    floor: int | None = None,
    processing: CalendarProcessing | None = None,
    **place: Any,
) -> User:
    """A room mailbox (a user with userPurpose room) with its place fields."""
    user = add_user(emulator, tenant_id, display_name, alias, purpose="room")
    user.processing = processing or CalendarProcessing()
    user.place = {
        "id": ids.guid(emulator.rng),
        "capacity": capacity,
        "building": building,
        "floorNumber": floor,
        "floorLabel": None if floor is None else str(floor),
        "bookingType": "standard",
        "isWheelChairAccessible": False,
        "tags": [],
        "nickname": display_name,
        "label": None,
        "phone": None,
        "audioDeviceName": None,
        "videoDeviceName": None,
        "displayDeviceName": None,
        "address": None,
        "geoCoordinates": None,
    } | place
    return user


def add_room_list(
    emulator: Emulator,
    tenant_id: str,
    display_name: str,
    alias: str,
    rooms: list[User],
    address: dict[str, Any] | None = None,
) -> RoomList:
    tenant = emulator.tenants[tenant_id]
    room_list = RoomList(
        id=ids.guid(emulator.rng),
        display_name=display_name,
        email=f"{alias}@{tenant.domains[0]}",
        rooms=[r.id for r in rooms],
        address=address or {},
    )
    tenant.room_lists[room_list.id] = room_list
    emulator.dirty = True
    return room_list
