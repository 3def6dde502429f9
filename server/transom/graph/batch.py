"""JSON batching (``POST /$batch``, graph-contract.md §7.5) with raw JSON items.

msgraph-core's ``BatchRequestContent`` writes ``depends_on`` (snake case), which
Graph ignores, so items are sent as plain JSON with ``dependsOn``. Invariants:
- one batch holds at most 20 items with unique ids (case-insensitive) and
  dependencies only on earlier items of the same batch;
- ``chunk_batch`` keeps every dependency chain inside one chunk;
- results come back in the order of the items, whatever order Graph used;
- item failures are results, not exceptions (``BatchResult.error()``); only a
  failure of the batch request itself raises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import anyio
from kiota_abstractions.method import Method

from transom.domain.calendar import (
    AutomaticReplies,
    CalendarEvent,
    EventChanges,
    EventDraft,
)
from transom.graph._classify import error_from_status
from transom.graph._http import UTC_PREFERENCE, GraphHttp, json_request
from transom.graph._json import dig, model_to_json
from transom.graph.convert_events import (
    from_graph_event,
    to_graph_event_model,
    to_graph_event_patch_model,
)
from transom.graph.convert_mailbox import to_graph_automatic_replies_model
from transom.graph.directory import user_path
from transom.graph.errors import GraphError

MAX_BATCH_ITEMS = 20


@dataclass(frozen=True)
class BatchItem:
    """One request of a batch; ``url`` is relative to the version root (``/users/…``)."""

    id: str
    method: str
    url: str
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    mailbox: str | None = None

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.id,
            "method": self.method.upper(),
            "url": self.url,
        }
        headers = dict(self.headers)
        if self.body is not None:
            item["body"] = dict(self.body)
            headers.setdefault("Content-Type", "application/json")
        if headers:
            item["headers"] = headers
        if self.depends_on:
            item["dependsOn"] = list(self.depends_on)
        return item


@dataclass(frozen=True)
class BatchResult:
    id: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    mailbox: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error(self) -> GraphError | None:
        """The typed error of a failed item (424 = a dependency failed)."""
        if self.ok:
            return None
        code = dig(self.body, "error", "code")
        message = dig(self.body, "error", "message") or f"batch item {self.id} failed"
        return error_from_status(
            self.status, code, str(message), headers=self.headers, mailbox=self.mailbox
        )

    def event(self) -> CalendarEvent:
        """The event in a successful create/update/get item's body."""
        if not self.ok or not isinstance(self.body, Mapping):
            raise ValueError(
                f"batch item {self.id} holds no event (status {self.status})"
            )
        return from_graph_event(self.body)


def batch_create_event(
    item_id: str, mailbox: str, draft: EventDraft, transaction_id: str
) -> BatchItem:
    model = to_graph_event_model(draft, mailbox=mailbox, transaction_id=transaction_id)
    return BatchItem(
        item_id,
        "POST",
        f"{user_path(mailbox)}/events",
        model_to_json(model),
        {"Prefer": UTC_PREFERENCE},
        mailbox=mailbox,
    )


def batch_update_event(
    item_id: str, mailbox: str, event_id: str, changes: EventChanges
) -> BatchItem:
    body = model_to_json(to_graph_event_patch_model(changes, mailbox=mailbox))
    return BatchItem(
        item_id,
        "PATCH",
        _event_path(mailbox, event_id),
        body,
        {"Prefer": UTC_PREFERENCE},
        mailbox=mailbox,
    )


def batch_delete_event(item_id: str, mailbox: str, event_id: str) -> BatchItem:
    return BatchItem(item_id, "DELETE", _event_path(mailbox, event_id), mailbox=mailbox)


def batch_update_automatic_replies(
    item_id: str, mailbox: str, setting: AutomaticReplies
) -> BatchItem:
    body = model_to_json(to_graph_automatic_replies_model(setting))
    return BatchItem(
        item_id, "PATCH", f"{user_path(mailbox)}/mailboxSettings", body, mailbox=mailbox
    )


def chunk_batch(
    items: Sequence[BatchItem], size: int = MAX_BATCH_ITEMS
) -> list[list[BatchItem]]:
    """Split ``items`` into batches of ≤ ``size``, keeping dependency chains together."""
    groups = _dependency_groups(items)
    chunks: list[list[BatchItem]] = []
    for group in groups:
        if len(group) > size:
            raise ValueError(f"a dependency chain of {len(group)} items exceeds {size}")
        if not chunks or len(chunks[-1]) + len(group) > size:
            chunks.append([])
        chunks[-1].extend(group)
    return chunks


def validate_batch(items: Sequence[BatchItem]) -> None:
    if not 0 < len(items) <= MAX_BATCH_ITEMS:
        raise ValueError(
            f"a batch holds 1 to {MAX_BATCH_ITEMS} items, not {len(items)}"
        )
    seen: set[str] = set()
    for item in items:
        if item.id.lower() in seen:
            raise ValueError(f"duplicate batch item id {item.id!r}")
        missing = [d for d in item.depends_on if d.lower() not in seen]
        if missing:
            raise ValueError(
                f"batch item {item.id!r} depends on later/unknown {missing}"
            )
        seen.add(item.id.lower())


class BatchOperations:
    _http: GraphHttp

    async def run_batch(self, items: Sequence[BatchItem]) -> list[BatchResult]:
        """Send ≤ 20 items as one ``$batch``; results in the order of ``items``."""
        validate_batch(items)
        info = json_request(
            Method.POST, "/$batch", {"requests": [i.to_json() for i in items]}
        )
        answer = await self._http.json(info)
        by_id = {str(r.get("id", "")).lower(): r for r in answer.get("responses") or ()}
        return [_result(item, by_id.get(item.id.lower())) for item in items]

    async def run_batches(
        self, items: Sequence[BatchItem], *, concurrency: int = 1
    ) -> list[BatchResult]:
        """Any number of items, chunked by ``chunk_batch``; results in item order."""
        chunks = chunk_batch(items)
        results: list[list[BatchResult]] = [[] for _ in chunks]
        limiter = anyio.Semaphore(concurrency)

        async def run(index: int) -> None:
            async with limiter:
                results[index] = await self.run_batch(chunks[index])

        async with anyio.create_task_group() as group:
            for index in range(len(chunks)):
                group.start_soon(run, index)
        order = {item.id.lower(): n for n, item in enumerate(items)}
        return sorted(
            (r for chunk in results for r in chunk), key=lambda r: order[r.id.lower()]
        )


def _result(item: BatchItem, raw: Mapping[str, Any] | None) -> BatchResult:
    if raw is None:
        body = {
            "error": {"code": "MissingBatchResponse", "message": "Graph sent no answer"}
        }
        return BatchResult(item.id, 502, {}, body, item.mailbox)
    headers = raw.get("headers") if isinstance(raw.get("headers"), Mapping) else {}
    return BatchResult(
        item.id,
        int(raw.get("status", 0)),
        dict(headers or {}),
        raw.get("body"),
        item.mailbox,
    )


def _event_path(mailbox: str, event_id: str) -> str:
    return f"{user_path(mailbox)}/events/{quote(event_id, safe='')}"


def _dependency_groups(items: Sequence[BatchItem]) -> list[list[BatchItem]]:
    """Connected components of the dependency graph, in first-item order."""
    root: dict[str, str] = {}

    def find(key: str) -> str:
        while root.setdefault(key, key) != key:
            key = root[key]
        return key

    for item in items:
        for dependency in item.depends_on:
            root[find(item.id.lower())] = find(dependency.lower())
    groups: dict[str, list[BatchItem]] = {}
    for item in items:
        groups.setdefault(find(item.id.lower()), []).append(item)
    return list(groups.values())
