"""The audit log's pure rules: what is never kept, and which outbox writes are
Transom's own changes in Exchange."""

from __future__ import annotations

from transom.domain.audit import (
    REDACTED,
    AutomaticAction,
    changed_fields,
    exchange_action,
    redacted,
)


def test_every_secret_named_value_is_redacted_however_deep() -> None:
    given = {
        "input": {
            "clientId": "5b0e",
            "clientSecret": "Tx8Q~",
            "certificatePem": "-----BEGIN",
            "nested": [{"password": "hunter2", "name": "Aurora"}],
        },
        "token": "abc",
        "refreshToken": "def",
        "emptySecret": None,
    }
    assert redacted(given) == {
        "input": {
            "clientId": "5b0e",
            "clientSecret": REDACTED,
            "certificatePem": REDACTED,
            "nested": [{"password": REDACTED, "name": "Aurora"}],
        },
        "token": REDACTED,
        "refreshToken": REDACTED,
        "emptySecret": None,
    }


def test_only_changed_fields_are_kept() -> None:
    before = {"capacity": 8, "name": "Aurora", "floor": "2"}
    after = {"capacity": 10, "name": "Aurora", "floor": None}
    assert changed_fields(before, after) == (
        {"capacity": 8, "floor": "2"},
        {"capacity": 10, "floor": None},
    )


def test_which_outbox_writes_are_automatic_changes_in_exchange() -> None:
    release = exchange_action("booking.release", {}, {"released": True})
    decline = exchange_action(
        "booking.cancel", {"action": "DECLINE_ROOM_EVENT"}, {"removed": True}
    )
    cancel = exchange_action(
        "booking.cancel", {"action": "WITHDRAW"}, {"removed": True}
    )
    assert release is AutomaticAction.NO_SHOW_RELEASE
    assert decline is AutomaticAction.DECLINE_IN_EXCHANGE
    assert cancel is AutomaticAction.CANCEL_IN_EXCHANGE
    # nothing changed in Exchange: nothing to record
    assert exchange_action("booking.release", {}, {"released": False}) is None
    assert exchange_action("booking.cancel", {}, {"removed": False}) is None
    assert exchange_action("booking.create", {}, {"event_id": "e1"}) is None
