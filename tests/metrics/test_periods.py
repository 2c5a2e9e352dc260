"""Period windows across time zones, week starts and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.periods import (
    Period,
    PeriodKind,
    day_period,
    local_date,
    local_midnight,
    month_period,
    most_recent_weekday,
    period_containing,
    quarter_period,
    week_period,
    year_period,
    zone,
)

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
SANTIAGO = ZoneInfo("America/Santiago")


@pytest.mark.parametrize(
    ("instant", "tz", "expected"),
    [
        # 23:30 on Thursday in Los Angeles is already Friday in UTC: the rep's day is Thursday.
        (datetime(2026, 11, 20, 7, 30, tzinfo=UTC), LOS_ANGELES, date(2026, 11, 19)),
        (datetime(2026, 11, 20, 7, 30, tzinfo=UTC), LONDON, date(2026, 11, 20)),
        # Sydney is ahead: 14:00 UTC on the 19th is 01:00 on the 20th there (AEDT, UTC+11).
        (datetime(2026, 11, 19, 14, 0, tzinfo=UTC), SYDNEY, date(2026, 11, 20)),
        (datetime(2026, 11, 19, 12, 59, tzinfo=UTC), SYDNEY, date(2026, 11, 19)),
    ],
)
def test_local_date_is_the_reps_calendar_day(instant: datetime, tz: ZoneInfo, expected: date) -> None:
    assert local_date(instant, tz) == expected


def test_local_date_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 11, 20, 7, 30), NEW_YORK)


@pytest.mark.parametrize(
    ("day", "tz", "hours"),
    [
        (date(2026, 3, 8), NEW_YORK, 23),  # spring forward: 02:00 → 03:00
        (date(2026, 11, 1), NEW_YORK, 25),  # fall back: 02:00 → 01:00
        (date(2026, 3, 29), LONDON, 23),
        (date(2026, 10, 25), LONDON, 25),
        (date(2026, 4, 5), SYDNEY, 25),  # southern hemisphere: DST ends in April
        (date(2026, 10, 4), SYDNEY, 23),
        (date(2026, 7, 1), NEW_YORK, 24),
    ],
)
def test_a_local_day_lasts_23_or_25_hours_on_dst_changes(day: date, tz: ZoneInfo, hours: int) -> None:
    start, end = day_period(day).utc_bounds(tz)
    assert end - start == timedelta(hours=hours)


def test_local_midnight_when_midnight_does_not_exist() -> None:
    # Chile springs forward at midnight: on 2026-09-06 the clock jumps from 00:00 straight to 01:00.
    first = local_midnight(date(2026, 9, 6), SANTIAGO)
    assert first.astimezone(SANTIAGO).date() == date(2026, 9, 6)
    assert first.astimezone(SANTIAGO).hour == 1
    assert (first - timedelta(microseconds=1)).astimezone(SANTIAGO).date() == date(2026, 9, 5)


def test_week_utc_bounds_span_a_dst_change() -> None:
    week = week_period(date(2026, 11, 1), week_start=0)  # Mon 26 Oct – Sun 1 Nov, New York falls back on Sunday
    start, end = week.utc_bounds(NEW_YORK)
    assert (start, end) == (datetime(2026, 10, 26, 4, tzinfo=UTC), datetime(2026, 11, 2, 5, tzinfo=UTC))
    assert end - start == timedelta(days=7, hours=1)


@pytest.mark.parametrize(
    ("day", "week_start", "start"),
    [
        (date(2026, 11, 26), 0, date(2026, 11, 23)),  # Thursday, weeks from Monday
        (date(2026, 11, 23), 0, date(2026, 11, 23)),  # the Monday itself
        (date(2026, 11, 22), 0, date(2026, 11, 16)),  # a Sunday belongs to the week before
        (date(2026, 11, 26), 6, date(2026, 11, 22)),  # weeks from Sunday (a Sun–Thu team)
        (date(2026, 11, 22), 6, date(2026, 11, 22)),
        (date(2027, 1, 1), 0, date(2026, 12, 28)),  # across a year end
        (date(2026, 11, 28), 5, date(2026, 11, 28)),  # weeks from Saturday
    ],
)
def test_week_starts_on_the_configured_weekday(day: date, week_start: int, start: date) -> None:
    week = week_period(day, week_start)
    assert (week.start, week.end, week.length_days) == (start, start + timedelta(days=7), 7)
    assert day in week


def test_week_start_must_be_a_weekday() -> None:
    with pytest.raises(ValueError):
        week_period(date(2026, 11, 26), 7)


@pytest.mark.parametrize(
    ("builder", "day", "start", "end"),
    [
        (month_period, date(2026, 2, 14), date(2026, 2, 1), date(2026, 3, 1)),
        (month_period, date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1)),
        (month_period, date(2028, 2, 29), date(2028, 2, 1), date(2028, 3, 1)),
        (quarter_period, date(2026, 1, 1), date(2026, 1, 1), date(2026, 4, 1)),
        (quarter_period, date(2026, 6, 30), date(2026, 4, 1), date(2026, 7, 1)),
        (quarter_period, date(2026, 11, 26), date(2026, 10, 1), date(2027, 1, 1)),
        (year_period, date(2026, 11, 26), date(2026, 1, 1), date(2027, 1, 1)),
        (day_period, date(2026, 12, 31), date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_calendar_periods(builder: object, day: date, start: date, end: date) -> None:
    assert callable(builder)
    period = builder(day)
    assert isinstance(period, Period)
    assert (period.start, period.end) == (start, end)
    assert period.last_day == end - timedelta(days=1)


def test_period_containing_dispatches_on_kind() -> None:
    day = date(2026, 11, 26)
    assert period_containing("week", day, week_start=6).start == date(2026, 11, 22)
    assert period_containing(PeriodKind.QUARTER, day).kind is PeriodKind.QUARTER
    assert period_containing("day", day).days() == [day]
    with pytest.raises(ValueError):
        period_containing("fortnight", day)


def test_most_recent_weekday_includes_today() -> None:
    thursday = date(2026, 11, 26)
    assert most_recent_weekday(thursday, 3) == thursday
    assert most_recent_weekday(thursday, 0) == date(2026, 11, 23)
    assert most_recent_weekday(thursday, 4) == date(2026, 11, 20)


def test_zone_names_an_unknown_zone_clearly() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        zone("Mars/Olympus")


ZONES = [
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Santiago",
    "Pacific/Chatham",
    "Asia/Kathmandu",
]


@given(
    instant=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
    name=st.sampled_from(ZONES),
)
def test_every_instant_falls_inside_its_local_day(instant: datetime, name: str) -> None:
    tz = ZoneInfo(name)
    start, end = day_period(local_date(instant, tz)).utc_bounds(tz)
    assert start <= instant < end
    assert timedelta(hours=22) <= end - start <= timedelta(hours=26)
