"""Pure converters for mailbox settings, free/busy schedules and subscriptions.

Invariant: times come back aware UTC whatever zone Graph used; automatic-reply
times are written in UTC (Graph normalises them anyway).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from msgraph.generated.models.automatic_replies_setting import AutomaticRepliesSetting
from msgraph.generated.models.automatic_replies_status import AutomaticRepliesStatus
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.external_audience_scope import ExternalAudienceScope
from msgraph.generated.models.mailbox_settings import MailboxSettings

from transom.domain.calendar import (
    AutomaticReplies,
    AutoReplyStatus,
    ExternalAudience,
    MailboxSchedule,
    ScheduleItem,
    ShowAs,
    SubscriptionInfo,
)
from transom.graph._json import dig, enum_from_graph, enum_to_graph, optional_text, text
from transom.graph.timezones import (
    parse_graph_datetime,
    parse_utc_timestamp,
    to_graph_datetime,
)


def from_graph_automatic_replies(data: Mapping[str, Any]) -> AutomaticReplies:
    """``automaticRepliesSetting`` JSON → ``AutomaticReplies``."""
    return AutomaticReplies(
        status=enum_from_graph(
            data.get("status"), AutoReplyStatus, AutoReplyStatus.DISABLED
        ),
        external_audience=enum_from_graph(
            data.get("externalAudience"), ExternalAudience, ExternalAudience.ALL
        ),
        scheduled_start=_optional_when(data.get("scheduledStartDateTime")),
        scheduled_end=_optional_when(data.get("scheduledEndDateTime")),
        internal_message=text(data, "internalReplyMessage"),
        external_message=text(data, "externalReplyMessage"),
    )


def to_graph_automatic_replies_model(setting: AutomaticReplies) -> MailboxSettings:
    """``AutomaticReplies`` → SDK ``MailboxSettings`` for a mailboxSettings PATCH."""
    replies = AutomaticRepliesSetting(
        status=AutomaticRepliesStatus(enum_to_graph(setting.status)),
        external_audience=ExternalAudienceScope(
            enum_to_graph(setting.external_audience)
        ),
        internal_reply_message=setting.internal_message,
        external_reply_message=setting.external_message,
        scheduled_start_date_time=_graph_time(setting.scheduled_start),
        scheduled_end_date_time=_graph_time(setting.scheduled_end),
    )
    return MailboxSettings(automatic_replies_setting=replies)


def from_graph_schedule(data: Mapping[str, Any]) -> MailboxSchedule:
    """One ``scheduleInformation`` entry of a getSchedule response."""
    items = tuple(_schedule_item(i) for i in data.get("scheduleItems") or () if i)
    return MailboxSchedule(
        email=text(data, "scheduleId").lower(),
        availability_view=text(data, "availabilityView"),
        items=items,
        error=optional_text(data, "error", "message"),
    )


def from_graph_subscription(data: Mapping[str, Any]) -> SubscriptionInfo:
    expiration = parse_utc_timestamp(optional_text(data, "expirationDateTime"))
    if expiration is None:
        raise ValueError("subscription without expirationDateTime")
    return SubscriptionInfo(
        id=text(data, "id"),
        expiration=expiration,
        resource=text(data, "resource"),
        client_state=optional_text(data, "clientState"),
    )


def _schedule_item(data: Mapping[str, Any]) -> ScheduleItem:
    return ScheduleItem(
        start=_required_when(data.get("start")),
        end=_required_when(data.get("end")),
        status=enum_from_graph(data.get("status"), ShowAs, ShowAs.BUSY),
        subject=optional_text(data, "subject"),
        location=optional_text(data, "location"),
        is_private=dig(data, "isPrivate") is True,
    )


def _optional_when(data: Any) -> datetime | None:
    if not isinstance(data, Mapping) or not data.get("dateTime"):
        return None
    return parse_graph_datetime(str(data["dateTime"]), optional_text(data, "timeZone"))


def _required_when(data: Any) -> datetime:
    found = _optional_when(data)
    if found is None:
        raise ValueError("schedule item without start/end dateTime")
    return found


def _graph_time(moment: datetime | None) -> DateTimeTimeZone | None:
    if moment is None:
        return None
    wall, zone = to_graph_datetime(moment, "UTC")
    return DateTimeTimeZone(date_time=wall, time_zone=zone)
