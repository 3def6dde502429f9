"""Mailbox settings (automatic replies) and free/busy schedules.

Invariants: automatic-reply times are sent and returned in UTC; getSchedule
takes at most 20 mailboxes and a range under 62 days (graph-contract.md §5.4),
checked before sending so the caller gets a plain ValueError.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from msgraph.generated.models.mailbox_settings import MailboxSettings

from transom.domain.calendar import AutomaticReplies, MailboxSchedule
from transom.graph._http import UTC_PREFERENCE, GraphHttp, action_request
from transom.graph.convert_mailbox import (
    from_graph_automatic_replies,
    from_graph_schedule,
    to_graph_automatic_replies_model,
)
from transom.graph.timezones import to_graph_datetime

MAX_SCHEDULES = 20
MAX_SCHEDULE_RANGE = timedelta(days=62)


class MailboxSettingsOperations:
    _http: GraphHttp

    async def fetch_automatic_replies(self, mailbox: str) -> AutomaticReplies:
        builder = self._http.sdk.users.by_user_id(mailbox).mailbox_settings
        settings = await self._http.json(
            builder.to_get_request_information(), mailbox=mailbox
        )
        return from_graph_automatic_replies(
            settings.get("automaticRepliesSetting") or {}
        )

    async def update_automatic_replies(
        self, mailbox: str, setting: AutomaticReplies
    ) -> AutomaticReplies:
        """Replace the automatic-reply setting; returns what Graph stored."""
        builder = self._http.sdk.users.by_user_id(mailbox).mailbox_settings
        info = builder.to_patch_request_information(
            to_graph_automatic_replies_model(setting)
        )
        stored = await self._http.json(info, mailbox=mailbox)
        found = stored.get("automaticRepliesSetting")
        return (
            from_graph_automatic_replies(found) if isinstance(found, dict) else setting
        )

    async def check_mailbox_settings_write(self, mailbox: str) -> None:
        """An empty PATCH of the mailbox settings: Graph answers 403 without
        MailboxSettings.ReadWrite and changes nothing with it (a permission
        probe that writes nothing)."""
        builder = self._http.sdk.users.by_user_id(mailbox).mailbox_settings
        info = builder.to_patch_request_information(MailboxSettings())
        await self._http.json(info, mailbox=mailbox)

    async def fetch_schedule(
        self,
        mailboxes: list[str],
        start: datetime,
        end: datetime,
        interval_minutes: int = 30,
        *,
        via_mailbox: str | None = None,
    ) -> list[MailboxSchedule]:
        """Free/busy of up to 20 mailboxes, asked through ``via_mailbox`` (default: first)."""
        if not mailboxes or len(mailboxes) > MAX_SCHEDULES:
            raise ValueError(f"getSchedule takes 1 to {MAX_SCHEDULES} mailboxes")
        if not start < end <= start + MAX_SCHEDULE_RANGE:
            raise ValueError("getSchedule needs start < end and a range under 62 days")
        body = {
            "schedules": list(mailboxes),
            "startTime": _utc(start),
            "endTime": _utc(end),
            "availabilityViewInterval": interval_minutes,
        }
        caller = via_mailbox or mailboxes[0]
        builder = self._http.sdk.users.by_user_id(caller).calendar.get_schedule
        info = action_request(builder, body)
        info.headers.try_add("Prefer", UTC_PREFERENCE)
        found = await self._http.values(info, mailbox=caller)
        return [from_graph_schedule(v) for v in found]


def _utc(moment: datetime) -> dict[str, str]:
    wall, zone = to_graph_datetime(moment, "UTC")
    return {"dateTime": wall, "timeZone": zone}
