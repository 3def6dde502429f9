"""Calendar writes: create, update, delete, cancel, accept and decline events.

Invariants: creates carry a ``transactionId`` so the SDK's retry of a POST that
timed out cannot book twice (graph-contract.md §0.5, §2.4); responses are read
in UTC; ``delete_event`` treats "already gone" as done, so outbox retries are
idempotent. A booking is either the organizer's event with the room as resource
attendee, or an event written straight into the room's calendar (``mailbox`` is
the room): the converter leaves the room out of the attendees then.
"""

from __future__ import annotations

from kiota_abstractions.request_information import RequestInformation

from transom.domain.calendar import CalendarEvent, EventChanges, EventDraft
from transom.graph._http import UTC_PREFERENCE, GraphHttp, action_request, configured
from transom.graph.convert_events import (
    from_graph_event,
    to_graph_event_model,
    to_graph_event_patch_model,
)
from transom.graph.errors import GraphNotFoundError, MailboxNotFoundError


class CalendarWriteOperations:
    _http: GraphHttp

    async def create_event(
        self, mailbox: str, draft: EventDraft, transaction_id: str
    ) -> CalendarEvent:
        """Create ``draft`` in ``mailbox``'s calendar; Graph dedupes on ``transaction_id``."""
        model = to_graph_event_model(
            draft, mailbox=mailbox, transaction_id=transaction_id
        )
        builder = self._http.sdk.users.by_user_id(mailbox).events
        info = builder.to_post_request_information(
            model, configured(prefer_header=UTC_PREFERENCE)
        )
        return from_graph_event(await self._http.json(info, mailbox=mailbox))

    async def update_event(
        self,
        mailbox: str,
        event_id: str,
        changes: EventChanges,
        *,
        if_change_key: str | None = None,
    ) -> CalendarEvent:
        """PATCH the given properties; with ``if_change_key`` a stale copy gets a 412."""
        model = to_graph_event_patch_model(changes, mailbox=mailbox)
        config = configured(prefer_header=UTC_PREFERENCE)
        if if_change_key:
            config.headers.add("If-Match", f'W/"{if_change_key}"')
        builder = self._http.sdk.users.by_user_id(mailbox).events.by_event_id(event_id)
        info = builder.to_patch_request_information(model, config)
        return from_graph_event(await self._http.json(info, mailbox=mailbox))

    async def delete_event(self, mailbox: str, event_id: str) -> bool:
        """Delete the event; False when it was already gone."""
        builder = self._http.sdk.users.by_user_id(mailbox).events.by_event_id(event_id)
        return await self._send_tolerating_404(
            mailbox, builder.to_delete_request_information()
        )

    async def cancel_event(
        self, mailbox: str, event_id: str, comment: str = ""
    ) -> bool:
        """Organizer cancels a meeting (attendees and rooms are told); False if gone."""
        builder = self._http.sdk.users.by_user_id(mailbox).events.by_event_id(event_id)
        info = action_request(builder.cancel, _comment(comment))
        return await self._send_tolerating_404(mailbox, info)

    async def decline_event(
        self,
        mailbox: str,
        event_id: str,
        comment: str = "",
        *,
        send_response: bool = True,
    ) -> bool:
        """The mailbox (e.g. a room) declines a meeting it was invited to; False if gone."""
        builder = self._http.sdk.users.by_user_id(mailbox).events.by_event_id(event_id)
        body = _comment(comment) | {"sendResponse": send_response}
        info = action_request(builder.decline, body)
        return await self._send_tolerating_404(mailbox, info)

    async def _send_tolerating_404(
        self, mailbox: str, info: RequestInformation
    ) -> bool:
        try:
            await self._http.no_content(info, mailbox=mailbox)
        except MailboxNotFoundError:
            raise
        except GraphNotFoundError:
            return False
        return True


def _comment(comment: str) -> dict[str, str]:
    return {"comment": comment} if comment else {}
