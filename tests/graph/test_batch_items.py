"""$batch items: camelCase dependsOn, chunking that keeps dependency chains together."""

from __future__ import annotations

import pytest

from transom.graph.batch import BatchItem, BatchResult, chunk_batch, validate_batch
from transom.graph.errors import GraphThrottledError


def item(item_id: str, *depends_on: str) -> BatchItem:
    return BatchItem(
        item_id, "GET", f"/users/u/events/{item_id}", depends_on=depends_on
    )


def test_item_json_uses_depends_on_in_camel_case_and_sets_content_type():
    # given
    posted = BatchItem(
        "2", "post", "/users/u/events", {"subject": "x"}, depends_on=("1",)
    )

    # when
    body = posted.to_json()

    # then
    assert body == {
        "id": "2",
        "method": "POST",
        "url": "/users/u/events",
        "body": {"subject": "x"},
        "headers": {"Content-Type": "application/json"},
        "dependsOn": ["1"],
    }


def test_chunks_hold_at_most_twenty_and_keep_chains_whole():
    # given 19 independent items, then a chain of three
    items = [item(str(n)) for n in range(19)] + [
        item("a"),
        item("b", "a"),
        item("c", "b"),
    ]

    # when
    chunks = chunk_batch(items)

    # then
    assert [len(c) for c in chunks] == [19, 3]
    assert [i.id for i in chunks[1]] == ["a", "b", "c"]


def test_chain_longer_than_a_batch_is_refused():
    items = [item("0")] + [item(str(n), str(n - 1)) for n in range(1, 21)]
    with pytest.raises(ValueError, match="exceeds 20"):
        chunk_batch(items)


def test_validation_refuses_duplicates_and_forward_dependencies():
    with pytest.raises(ValueError, match="duplicate"):
        validate_batch([item("a"), item("A")])
    with pytest.raises(ValueError, match="depends on"):
        validate_batch([item("a", "b"), item("b")])


def test_failed_item_result_is_a_typed_error():
    # given
    result = BatchResult(
        "1",
        429,
        {"Retry-After": "3"},
        {"error": {"code": "ApplicationThrottled", "message": "MailboxConcurrency"}},
    )

    # when
    error = result.error()

    # then
    assert isinstance(error, GraphThrottledError)
    assert error.retry_after_seconds == 3
