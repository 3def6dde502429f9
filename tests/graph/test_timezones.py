"""Graph dateTimeTimeZone values: Windows names, 7 fractional digits, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transom.graph.timezones import (
    WINDOWS_TO_IANA,
    UnknownTimeZoneError,
    format_utc,
    parse_graph_datetime,
    to_graph_datetime,
    zone_for,
)

ZONES = sorted(WINDOWS_TO_IANA) + sorted(set(WINDOWS_TO_IANA.values())) + ["UTC"]
moments = st.datetimes(
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001  hypothesis wants naive bounds
    max_value=datetime(2060, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def test_every_windows_name_maps_to_a_known_iana_zone():
    for windows, iana in WINDOWS_TO_IANA.items():
        assert zone_for(windows.upper()) in (ZoneInfo(iana), UTC), windows


def test_seven_fractional_digits_and_microsoft_utc_name_parse():
    # when
    parsed = parse_graph_datetime(
        "2026-11-21T10:00:00.1234567", "tzone://Microsoft/Utc"
    )

    # then
    assert parsed == datetime(2026, 11, 21, 10, 0, 0, 123456, tzinfo=UTC)


def test_unknown_zone_is_a_clear_error():
    with pytest.raises(UnknownTimeZoneError, match="Mars Standard Time"):
        parse_graph_datetime("2026-11-21T10:00:00", "Mars Standard Time")


def test_format_utc_uses_z_suffix():
    assert format_utc(datetime(2026, 11, 21, 10, tzinfo=UTC)) == "2026-11-21T10:00:00Z"


@given(moment=moments, zone=st.sampled_from(ZONES))
def test_graph_datetime_round_trips_in_every_zone(moment: datetime, zone: str):
    # when
    wall, written_zone = to_graph_datetime(moment, zone)

    # then
    assert parse_graph_datetime(wall, written_zone) == moment


@given(moment=moments, windows=st.sampled_from(sorted(WINDOWS_TO_IANA)))
def test_windows_and_iana_names_mean_the_same_instant(moment: datetime, windows: str):
    # given
    wall, zone = to_graph_datetime(moment, WINDOWS_TO_IANA[windows])

    # then
    assert parse_graph_datetime(wall, windows) == parse_graph_datetime(wall, zone)


def test_repeated_autumn_hour_is_written_in_utc_to_stay_unambiguous():
    # given 02:30 Berlin happens twice on 2026-10-25; this is the second one
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)

    # when
    wall, zone = to_graph_datetime(second, "Europe/Berlin")

    # then
    assert (wall, zone) == ("2026-10-25T01:30:00", "UTC")
    assert to_graph_datetime(second - timedelta(hours=1), "Europe/Berlin")[1] == (
        "Europe/Berlin"
    )
