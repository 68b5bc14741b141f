"""Better Stack's Rails time-zone names: every one maps to a loadable IANA zone, and the
daily-window arithmetic agrees with a plain reading of local time, across DST changes."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from betterstack_rca.rca.zones import (
    RAILS_ZONES,
    WEEKDAYS,
    iana_name,
    in_daily_window,
    parse_clock,
    rails_zone,
    window_edges,
)

UTC = timezone.utc
NAMES = sorted(RAILS_ZONES)


@pytest.mark.parametrize("name", NAMES)
def test_every_rails_zone_name_maps_to_a_loadable_iana_zone(name: str) -> None:
    tz = rails_zone(name)
    assert tz is not None, name
    assert tz.key == RAILS_ZONES[name]


def test_the_table_is_the_full_activesupport_mapping() -> None:
    assert len(RAILS_ZONES) >= 150
    assert RAILS_ZONES["Eastern Time (US & Canada)"] == "America/New_York"
    assert RAILS_ZONES["Kyiv"] == RAILS_ZONES["Kyev"] == "Europe/Kyiv"
    assert RAILS_ZONES["Greenland"] == "America/Nuuk"


def test_iana_names_pass_and_unknown_names_give_none() -> None:
    assert iana_name("Europe/Prague") == "Europe/Prague"
    assert iana_name("prague") == "Europe/Prague"
    assert iana_name("UTC") == "Etc/UTC"
    assert iana_name("Eastern Time") is None  # not a Rails name: no silent UTC
    assert iana_name("Mars/Olympus_Mons") is None
    assert iana_name("") is None
    assert rails_zone(None) is None


def test_clock_parsing() -> None:
    assert parse_clock("01:02:03") == time(1, 2, 3)
    assert parse_clock("23:59") == time(23, 59)
    assert parse_clock("24:00") is None
    assert parse_clock("noon") is None


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    at=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    lo=st.integers(0, 24 * 60 - 1),
    length=st.integers(1, 24 * 60 - 1),
    days=st.sets(st.sampled_from(WEEKDAYS)),
)
def test_window_arithmetic_matches_a_plain_local_reading(
    name: str, at: datetime, lo: int, length: int, days: set[str]
) -> None:
    tz = rails_zone(name)
    assert tz is not None
    start = time(lo // 60, lo % 60)
    hi = (lo + length) % (24 * 60)
    end = time(hi // 60, hi % 60)
    local = at.astimezone(ZoneInfo(RAILS_ZONES[name]))
    minute = local.hour * 60 + local.minute + local.second / 60
    inside = lo <= minute < hi if lo < hi else minute >= lo or minute < hi
    if days:
        inside = inside and WEEKDAYS[local.weekday()] in days
    assert in_daily_window(at, start, end, tz, sorted(days)) == inside


def test_a_window_across_midnight_counts_each_part_on_its_own_day() -> None:
    tz = rails_zone("Eastern Time (US & Canada)")
    assert tz is not None
    # Monday 23:30 and Tuesday 00:30 local (EST, UTC-5)
    monday_late = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)
    tuesday_early = datetime(2026, 11, 24, 5, 30, tzinfo=UTC)
    w = (time(23, 0), time(1, 0))
    assert in_daily_window(monday_late, *w, tz, ["mon", "tue"])
    assert in_daily_window(tuesday_early, *w, tz, ["mon", "tue"])
    assert not in_daily_window(tuesday_early, *w, tz, ["mon"])


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (datetime(2026, 3, 7), 7),  # the day before spring forward: EST, UTC-5
        (datetime(2026, 3, 9), 6),  # after: EDT, UTC-4
        (datetime(2026, 10, 31), 6),  # the day before fall back: EDT
        (datetime(2026, 11, 2), 7),  # after: EST
    ],
)
def test_the_same_local_window_moves_in_utc_across_dst(day: datetime, utc_hour: int) -> None:
    tz = rails_zone("Eastern Time (US & Canada)")
    assert tz is not None
    probe = day.replace(hour=12, tzinfo=UTC)
    edges = window_edges(probe, time(1, 0), time(2, 0), tz, [])
    ends = [hi for _, hi in edges if hi.date() == day.date()]
    assert [e.hour for e in ends] == [utc_hour]


def test_a_window_on_the_dst_change_day_ends_where_the_zone_says() -> None:
    tz = rails_zone("Eastern Time (US & Canada)")
    assert tz is not None
    # 2026-03-08: 02:00 local does not exist; a 00:30-03:30 window lasts 2 h, not 3
    probe = datetime(2026, 3, 8, 12, tzinfo=UTC)
    edges = window_edges(probe, time(0, 30), time(3, 30), tz, [])
    (lo, hi), *_ = [e for e in edges if e[0].day == 8]
    assert hi - lo == timedelta(hours=2)
    assert lo == datetime(2026, 3, 8, 5, 30, tzinfo=UTC)
