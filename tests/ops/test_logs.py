"""Configured logs: levels, text or JSON lines, a request id in each line;
errors the caller caused in one line, unexpected ones with their traceback."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from graphql import GraphQLError
from strawberry.utils.logging import StrawberryLogger

from transom.telemetry.logs import ADOPTED, configure_logging, work_id

ROOMS = "{ rooms { name } }"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """configure_logging(INFO, json) into a buffer; pytest's own handlers are
    put back afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    adopted = {name: logging.getLogger(name) for name in ADOPTED}
    saved_adopted = {
        n: (lg.handlers[:], lg.propagate, lg.level) for n, lg in adopted.items()
    }
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    try:
        yield stream
    finally:
        root.handlers = saved[0]
        root.setLevel(saved[1])
        for name, (handlers, propagate, level) in saved_adopted.items():
            adopted[name].handlers, adopted[name].propagate = handlers, propagate
            adopted[name].setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_an_unauthenticated_request_logs_one_line_under_its_request_id(
    server: str, log_output: io.StringIO
) -> None:
    # when
    response = httpx.post(
        f"{server}/graphql",
        json={"query": ROOMS},
        headers={"X-Request-ID": "req-from-nginx-1"},
    )
    # then
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["x-request-id"] == "req-from-nginx-1"
    mine = [
        line
        for line in lines(log_output)
        if line["request_id"] == "req-from-nginx-1"
        and line["logger"] == "strawberry.execution"
    ]
    assert len(mine) == 1
    assert mine[0]["level"] == "INFO"
    assert str(mine[0]["message"]).startswith("UNAUTHENTICATED: ")
    assert "exc_info" not in mine[0]


def test_access_lines_are_logged_only_at_debug(
    server: str, log_output: io.StringIO
) -> None:
    httpx.get(f"{server}/healthz", headers={"X-Request-ID": "probe-at-info"})
    configure_logging("DEBUG", "json", stream=log_output)
    httpx.get(f"{server}/healthz", headers={"X-Request-ID": "probe-at-debug"})
    access = [line for line in lines(log_output) if line["logger"] == "uvicorn.access"]
    assert [line["request_id"] for line in access] == ["probe-at-debug"]


def test_each_request_without_an_id_gets_a_new_one(server: str) -> None:
    first = httpx.get(f"{server}/healthz").headers["x-request-id"]
    second = httpx.get(f"{server}/healthz").headers["x-request-id"]
    assert first != second
    assert len(first) == 16


def test_an_unexpected_error_keeps_its_traceback(log_output: io.StringIO) -> None:
    # given an error that is no fault of the caller
    try:
        raise RuntimeError("the disk is on fire")
    except RuntimeError as exc:
        error = GraphQLError("Internal server error", original_error=exc)
    # when
    StrawberryLogger.error(error)
    # then
    (line,) = lines(log_output)
    assert line["level"] == "ERROR"
    assert "Traceback" in str(line["exc_info"])
    assert "the disk is on fire" in str(line["exc_info"])


def test_background_work_logs_under_its_own_id(log_output: io.StringIO) -> None:
    with work_id("outbox", "item-42"):
        logging.getLogger("transom.sync.outbox").warning("Graph refused the write")
    logging.getLogger("transom.sync.outbox").warning("outside")
    first, second = lines(log_output)
    assert first["request_id"] == "outbox:item-42"
    assert second["request_id"] == "-"


def test_text_lines_carry_time_level_logger_and_request_id() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("WARNING", "text", stream=stream)
        logging.getLogger("transom.example").info("not shown below WARNING")
        with work_id("outbox", "7"):
            logging.getLogger("transom.example").warning("shown")
    finally:
        root.handlers = saved[0]
        root.setLevel(saved[1])
    (line,) = stream.getvalue().splitlines()
    assert line.endswith(" WARNING transom.example [outbox:7] shown")
    assert line[:4].isdigit()
