"""An outbox write logs under its own id (``outbox:<item id>``), so an operator
can follow one write through the log as a request is followed by its id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from tests.emulated_tenant import APP_PATH
from tests.emulator.core_directory import ADELE, eventually
from tests.sync.outbox_harness import BookingWorld, running_worker
from transom.db import models
from transom.telemetry.logs import configure_logging

pytestmark = pytest.mark.anyio


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    try:
        yield stream
    finally:
        root.handlers = saved[0]
        root.setLevel(saved[1])


async def test_a_failed_write_is_logged_under_its_outbox_item_id(
    world: BookingWorld, json_log: io.StringIO
) -> None:
    # given an access policy that leaves the room out, so Graph refuses the write
    await world.control("PUT", f"{APP_PATH}/access-policy", {"mailboxes": [ADELE]})
    booked = world.book()

    async def failed() -> models.OutboxItem:
        (item,) = await world.outbox(booked["id"])
        assert item.status == "FAILED"
        return item

    # when
    async with running_worker(world):
        item = await eventually(failed, 20)
    # then
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    mine = [line for line in lines if f"outbox item {item.id}" in line["message"]]
    assert mine
    assert {line["request_id"] for line in mine} == {f"outbox:{item.id}"}
