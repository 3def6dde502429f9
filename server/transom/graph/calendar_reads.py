"""Calendar reads: calendarView delta rounds, plain calendar views, single events.

Delta round state machine (graph-contract.md §3)::

    (no link) --initial request--> page --nextLink--> page ... --deltaLink--> done
    (saved deltaLink or nextLink) ----------------------^
    any request --410--> DeltaExpiredError (caller drops the link, starts over)

Invariants: ``iter_calendar_changes`` yields a page only after it was fetched
completely; the delta link appears on the last page only, so a caller that
commits page by page and saves the delta link with the last page never skips a
change. Every read asks for UTC (``Prefer: outlook.timezone="UTC"``) and the
page size is repeated on each follow-up request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.calendar_view.delta.delta_request_builder import (
    DeltaRequestBuilder,
)

from transom.domain.calendar import CalendarChangePage, CalendarChanges, CalendarEvent
from transom.graph._http import (
    UTC_PREFERENCE,
    GraphHttp,
    configured,
    link_request,
    prefer,
)
from transom.graph.convert_events import from_graph_event, is_removed
from transom.graph.errors import GraphError, GraphNotFoundError, MailboxNotFoundError
from transom.graph.timezones import format_utc

DEFAULT_PAGE_SIZE = 100


class CalendarReadOperations:
    _http: GraphHttp

    async def iter_calendar_changes(
        self,
        mailbox: str,
        window_start: datetime,
        window_end: datetime,
        delta_link: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[CalendarChangePage]:
        """Pages of one delta round; resume from a saved deltaLink or nextLink."""
        preference = prefer(f"odata.maxpagesize={page_size}", UTC_PREFERENCE)
        if delta_link:
            info = link_request(delta_link, preference)
        else:
            query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
                start_date_time=format_utc(window_start),
                end_date_time=format_utc(window_end),
            )
            builder = self._http.sdk.users.by_user_id(mailbox).calendar_view.delta
            info = builder.to_get_request_information(
                configured(query, prefer_header=preference)
            )
        async for page in self._http.pages(info, mailbox=mailbox, prefer=preference):
            yield _change_page(page)

    async def fetch_calendar_changes(
        self,
        mailbox: str,
        window_start: datetime,
        window_end: datetime,
        delta_link: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> CalendarChanges:
        """A whole delta round in memory; see ``iter_calendar_changes`` to stream it."""
        updates: list[CalendarEvent] = []
        removed: list[str] = []
        async for page in self.iter_calendar_changes(
            mailbox, window_start, window_end, delta_link, page_size
        ):
            updates.extend(page.updates)
            removed.extend(page.removed_ids)
            if page.delta_link:
                return CalendarChanges(tuple(updates), tuple(removed), page.delta_link)
        raise GraphError("Graph ended a delta round without a deltaLink")

    async def fetch_calendar_view(
        self,
        mailbox: str,
        start: datetime,
        end: datetime,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> list[CalendarEvent]:
        """Every event (occurrences expanded) overlapping ``[start, end)``."""
        query = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
            start_date_time=format_utc(start),
            end_date_time=format_utc(end),
            top=page_size,
        )
        builder = self._http.sdk.users.by_user_id(mailbox).calendar_view
        info = builder.to_get_request_information(
            configured(query, prefer_header=UTC_PREFERENCE)
        )
        values = await self._http.values(info, mailbox=mailbox, prefer=UTC_PREFERENCE)
        return [from_graph_event(v) for v in values]

    async def fetch_event(self, mailbox: str, event_id: str) -> CalendarEvent | None:
        """One event, or None when it no longer exists."""
        builder = self._http.sdk.users.by_user_id(mailbox).events.by_event_id(event_id)
        info = builder.to_get_request_information(
            configured(prefer_header=UTC_PREFERENCE)
        )
        try:
            return from_graph_event(await self._http.json(info, mailbox=mailbox))
        except MailboxNotFoundError:
            raise
        except GraphNotFoundError:
            return None


def _change_page(page: dict[str, Any]) -> CalendarChangePage:
    values = [v for v in page.get("value") or () if isinstance(v, dict)]
    next_link, delta_link = page.get("@odata.nextLink"), page.get("@odata.deltaLink")
    return CalendarChangePage(
        updates=tuple(from_graph_event(v) for v in values if not is_removed(v)),
        removed_ids=tuple(str(v["id"]) for v in values if is_removed(v)),
        next_link=next_link if isinstance(next_link, str) else None,
        delta_link=delta_link
        if isinstance(delta_link, str) and not next_link
        else None,
    )
