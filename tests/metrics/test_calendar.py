"""Working days: work weeks (Sun–Thu included), public holidays by country and subdivision, PTO, and the elapsed
share of a period's working time across time zones and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.calendar import (
    WorkCalendar,
    elapsed_working_fraction,
    holidays_between,
    is_working_day,
    validate_holiday_region,
    working_days,
    working_days_left,
)
from metrics.periods import Period, date_range, day_period, month_period, week_period

SUN_TO_THU = frozenset({6, 0, 1, 2, 3})
EVERY_DAY = frozenset(range(7))
PLAIN = WorkCalendar()
US = WorkCalendar(timezone="America/New_York", holiday_country="US")
US_CA = WorkCalendar(timezone="America/Los_Angeles", holiday_country="US", holiday_subdivision="CA")
US_NY = WorkCalendar(timezone="America/New_York", holiday_country="US", holiday_subdivision="NY")
GB = WorkCalendar(timezone="Europe/London", holiday_country="GB", holiday_subdivision="ENG")
IL = WorkCalendar(timezone="Asia/Jerusalem", work_days=SUN_TO_THU, holiday_country="IL")
NEW_YORK_WEEKDAYS = WorkCalendar(timezone="America/New_York")
LOS_ANGELES_WEEKDAYS = WorkCalendar(timezone="America/Los_Angeles")


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (US, date(2026, 11, 26), False),  # Thanksgiving, a Thursday
        (US, date(2026, 11, 25), True),
        (US, date(2026, 11, 27), True),  # the day after Thanksgiving is not a federal holiday …
        (US_CA, date(2026, 11, 27), False),  # … but it is one in California
        (US, date(2026, 7, 3), False),  # Independence Day (observed): the 4th is a Saturday
        (US, date(2026, 11, 28), False),  # a Saturday: not a holiday, just not a work day
        (PLAIN, date(2026, 11, 26), True),  # no country, no holidays
        (GB, date(2026, 12, 25), False),  # Christmas Day, a Friday
        (GB, date(2026, 12, 28), False),  # Boxing Day (observed): the 26th is a Saturday
        (GB, date(2026, 12, 29), True),
        (GB, date(2027, 12, 27), False),  # Christmas Day (observed): the 25th is a Saturday
        (GB, date(2026, 11, 26), True),  # Thanksgiving is an American holiday
        (IL, date(2026, 9, 21), False),  # Yom Kippur, a Monday
        (IL, date(2026, 9, 20), True),  # a Sunday, a work day in Israel
        (IL, date(2026, 9, 25), False),  # a Friday, not a work day in Israel
        (IL, date(2026, 9, 24), True),  # a Thursday
        (IL, date(2026, 9, 13), False),  # Rosh Hashanah (second day) on a Sunday
    ],
)
def test_is_working_day(calendar: WorkCalendar, day: date, expected: bool) -> None:
    assert is_working_day(calendar, day) is expected


@pytest.mark.parametrize(
    ("calendar", "expected"),
    [
        # César Chávez Day, Tue 31 Mar 2026: a California state holiday, neither federal nor a New York one.
        (US_CA, False),
        (US, True),
        (US_NY, True),
    ],
)
def test_a_subdivision_holiday_counts_only_in_its_subdivision(calendar: WorkCalendar, expected: bool) -> None:
    assert is_working_day(calendar, date(2026, 3, 31)) is expected


def test_holidays_between_is_half_open_and_names_each_day() -> None:
    assert holidays_between(US, date(2026, 11, 1), date(2026, 12, 25)) == {
        date(2026, 11, 11): "Veterans Day",
        date(2026, 11, 26): "Thanksgiving Day",
    }
    assert holidays_between(US_CA, date(2026, 3, 31), date(2026, 4, 1)) == {date(2026, 3, 31): "Cesar Chavez Day"}
    assert holidays_between(IL, date(2026, 9, 21), date(2026, 9, 22)) == {date(2026, 9, 21): "Yom Kippur"}


def test_holidays_between_spans_years_in_date_order() -> None:
    found = holidays_between(GB, date(2026, 12, 20), date(2027, 1, 5))
    # Boxing Day falls on a Saturday: it is listed (days off are not work days' business) and so is its Monday.
    assert list(found) == [date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28), date(2027, 1, 1)]
    assert found[date(2026, 12, 28)] == "Boxing Day (observed)"


@pytest.mark.parametrize(
    ("calendar", "start", "end"),
    [
        (PLAIN, date(2026, 1, 1), date(2027, 1, 1)),  # no country
        (US, date(2026, 11, 26), date(2026, 11, 26)),  # empty range
        (US, date(2026, 11, 27), date(2026, 11, 26)),  # reversed range
    ],
)
def test_holidays_between_empty(calendar: WorkCalendar, start: date, end: date) -> None:
    assert holidays_between(calendar, start, end) == {}


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        # Thanksgiving week: Mon–Fri minus Thursday.
        (US, date(2026, 11, 23), date(2026, 11, 30), [23, 24, 25, 27]),
        (US_CA, date(2026, 11, 23), date(2026, 11, 30), [23, 24, 25]),
        # Yom Kippur week in Israel, Sunday to Saturday: Sun, Tue, Wed, Thu.
        (IL, date(2026, 9, 20), date(2026, 9, 27), [20, 22, 23, 24]),
        (PLAIN, date(2026, 11, 23), date(2026, 11, 23), []),
        (PLAIN, date(2026, 11, 24), date(2026, 11, 23), []),
    ],
)
def test_working_days_in_a_week(calendar: WorkCalendar, start: date, end: date, expected: list[int]) -> None:
    assert working_days(calendar, start, end) == [start.replace(day=d) for d in expected]


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        # Thu 29 Oct – Tue 3 Nov 2026 crosses a month: Thu, Fri, Mon, Tue.
        (PLAIN, date(2026, 10, 29), date(2026, 11, 4), "2026-10-29 2026-10-30 2026-11-02 2026-11-03"),
        # Mon 28 Dec 2026 – Tue 5 Jan 2027 crosses a year: GB loses Boxing Day (observed) and New Year's Day.
        (GB, date(2026, 12, 28), date(2027, 1, 6), "2026-12-29 2026-12-30 2026-12-31 2027-01-04 2027-01-05"),
        (
            PLAIN,
            date(2026, 12, 28),
            date(2027, 1, 6),
            "2026-12-28 2026-12-29 2026-12-30 2026-12-31 2027-01-01 2027-01-04 2027-01-05",
        ),
    ],
)
def test_working_days_across_month_and_year(calendar: WorkCalendar, start: date, end: date, expected: str) -> None:
    assert working_days(calendar, start, end) == [date.fromisoformat(day) for day in expected.split()]


@pytest.mark.parametrize(
    ("pto", "expected"),
    [
        ((), 21),  # November 2026 without holidays: 21 weekdays
        (((date(2026, 11, 9), date(2026, 11, 13)),), 16),  # a whole week, both ends included
        (((date(2026, 11, 13), date(2026, 11, 16)),), 19),  # Fri to Mon: the weekend between costs nothing
        (((date(2026, 11, 10), date(2026, 11, 10)),), 20),  # a single day
        (((date(2026, 11, 9), date(2026, 11, 11)), (date(2026, 11, 10), date(2026, 11, 12))), 17),  # overlapping
        (((date(2026, 10, 26), date(2026, 11, 3)),), 19),  # starts before the month
    ],
)
def test_pto_lowers_the_working_day_count(pto: tuple[tuple[date, date], ...], expected: int) -> None:
    calendar = WorkCalendar(pto=pto)
    assert len(working_days(calendar, date(2026, 11, 1), date(2026, 12, 1))) == expected


def test_pto_ends_are_days_off() -> None:
    calendar = WorkCalendar(pto=((date(2026, 11, 9), date(2026, 11, 13)),))
    assert not is_working_day(calendar, date(2026, 11, 9))
    assert not is_working_day(calendar, date(2026, 11, 13))
    assert is_working_day(calendar, date(2026, 11, 6))
    assert is_working_day(calendar, date(2026, 11, 16))


NOVEMBER = month_period(date(2026, 11, 1))  # 19 US working days: 21 weekdays minus Veterans Day and Thanksgiving


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 10, 15), 19),  # before the period: all of it
        (date(2026, 11, 1), 19),  # the first day (a Sunday)
        (date(2026, 11, 2), 19),  # the first working day counts itself
        (date(2026, 11, 3), 18),
        (date(2026, 11, 12), 12),  # the day after Veterans Day (Wed 11)
        (date(2026, 11, 25), 3),  # Wed 25, Fri 27, Mon 30: Thu 26 is Thanksgiving
        (date(2026, 11, 26), 2),
        (date(2026, 11, 30), 1),  # the last day
        (date(2026, 12, 1), 0),  # the end is exclusive
        (date(2027, 1, 1), 0),
    ],
)
def test_working_days_left(today: date, expected: int) -> None:
    assert working_days_left(US, NOVEMBER, today) == expected


WEEK = week_period(date(2026, 11, 16))  # Mon 16 – Sun 22 Nov 2026, five working days


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 11, 16, 8, 0), Decimal(0)),  # Monday before 09:00
        (utc(2026, 11, 16, 9, 0), Decimal(0)),
        (utc(2026, 11, 16, 13, 0), Decimal("0.1")),  # half of Monday: 0.5 of 5 days
        (utc(2026, 11, 16, 17, 0), Decimal("0.2")),
        (utc(2026, 11, 16, 20, 0), Decimal("0.2")),  # after hours: Monday is done
        (utc(2026, 11, 18, 11, 0), Decimal("0.45")),  # Wednesday 11:00: 2 days + 1/4
        (utc(2026, 11, 21, 12, 0), Decimal(1)),  # Saturday: the working week is over
        (utc(2026, 11, 15, 23, 59), Decimal(0)),  # the Sunday before the period
        (utc(2026, 11, 23, 0, 0), Decimal(1)),  # after the period
    ],
)
def test_elapsed_working_fraction_through_a_week(now: datetime, expected: Decimal) -> None:
    assert elapsed_working_fraction(PLAIN, WEEK, now) == expected


def test_elapsed_working_fraction_skips_holidays_and_pto() -> None:
    thanksgiving_week = week_period(date(2026, 11, 23))  # Mon 23, Tue 24, Wed 25, Fri 27 for the US
    # Thanksgiving afternoon in New York: three of four working days have passed, and Thursday adds nothing.
    assert elapsed_working_fraction(US, thanksgiving_week, utc(2026, 11, 26, 18, 0)) == Decimal("0.75")
    on_pto = WorkCalendar(pto=((date(2026, 11, 17), date(2026, 11, 18)),))  # Mon, Thu, Fri remain
    assert elapsed_working_fraction(on_pto, WEEK, utc(2026, 11, 18, 12, 0)) == Decimal(1) / Decimal(3)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Fri 6 Mar 09:00 EST (UTC−5): four of the ten days have passed.
        (utc(2026, 3, 6, 14, 0), Decimal("0.4")),
        # Mon 9 Mar after the change on Sunday the 8th: 09:00 EDT is 13:00 UTC, 13:00 EDT is 17:00 UTC.
        (utc(2026, 3, 9, 13, 0), Decimal("0.5")),
        (utc(2026, 3, 9, 17, 0), Decimal("0.55")),
    ],
)
def test_elapsed_working_fraction_across_a_dst_change(now: datetime, expected: Decimal) -> None:
    two_weeks = date_range(date(2026, 3, 2), date(2026, 3, 15))
    assert elapsed_working_fraction(NEW_YORK_WEEKDAYS, two_weeks, now) == expected


@pytest.mark.parametrize(
    ("day", "now", "expected"),
    [
        # Spring forward: 01:00 EST (06:00 UTC) to 05:00 EDT (09:00 UTC) is three real hours, not four.
        (date(2026, 3, 8), utc(2026, 3, 8, 7, 0), Decimal(1) / Decimal(3)),
        # Fall back: 01:00 EDT (05:00 UTC) to 05:00 EST (10:00 UTC) is five real hours.
        (date(2026, 11, 1), utc(2026, 11, 1, 6, 0), Decimal("0.2")),
    ],
)
def test_a_working_day_that_spans_a_dst_change_is_measured_in_real_hours(
    day: date, now: datetime, expected: Decimal
) -> None:
    night_shift = WorkCalendar(
        timezone="America/New_York", work_days=EVERY_DAY, day_starts=time(1, 0), day_ends=time(5, 0)
    )
    assert elapsed_working_fraction(night_shift, day_period(day), now) == expected


def test_elapsed_working_fraction_uses_the_reps_local_date() -> None:
    # Thu 19 Nov 16:30 in Los Angeles is already Fri 00:30 in UTC: Thursday is 7.5 of 8 hours done, not over.
    now = utc(2026, 11, 20, 0, 30)
    assert elapsed_working_fraction(LOS_ANGELES_WEEKDAYS, WEEK, now) == Decimal("3.9375") / 5
    assert elapsed_working_fraction(PLAIN, WEEK, now) == Decimal("0.8")
    # 23:30 on Thursday in Los Angeles (Fri 07:30 UTC), for a rep whose hours run 23:15–23:45 there.
    late = WorkCalendar(timezone="America/Los_Angeles", day_starts=time(23, 15), day_ends=time(23, 45))
    assert elapsed_working_fraction(late, WEEK, utc(2026, 11, 20, 7, 30)) == Decimal("0.7")
    # The same instant is still before Friday's period for that rep.
    assert elapsed_working_fraction(late, day_period(date(2026, 11, 20)), utc(2026, 11, 20, 7, 30)) == 0


def test_elapsed_working_fraction_accepts_any_aware_zone() -> None:
    now = datetime(2026, 11, 16, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # 16:00 UTC
    assert elapsed_working_fraction(PLAIN, WEEK, now) == Decimal("0.175")


@pytest.mark.parametrize(
    ("calendar", "period"),
    [
        (WorkCalendar(pto=((date(2026, 11, 16), date(2026, 11, 20)),)), WEEK),  # the whole working week on PTO
        (PLAIN, day_period(date(2026, 11, 21))),  # a Saturday
        (US, day_period(date(2026, 11, 26))),  # Thanksgiving
        (PLAIN, Period(WEEK.kind, date(2026, 11, 16), date(2026, 11, 16))),  # an empty period
    ],
)
def test_elapsed_working_fraction_is_none_without_working_days(calendar: WorkCalendar, period: Period) -> None:
    for now in (utc(2026, 11, 1, 12, 0), utc(2026, 11, 18, 12, 0), utc(2026, 12, 1, 12, 0)):
        assert elapsed_working_fraction(calendar, period, now) is None


def test_elapsed_working_fraction_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        elapsed_working_fraction(PLAIN, WEEK, datetime(2026, 11, 18, 12, 0))


@pytest.mark.parametrize(
    ("country", "subdivision"),
    [("US", None), ("US", "CA"), ("GB", "ENG"), ("IL", None), ("DE", "BY"), ("USA", None)],
)
def test_validate_holiday_region_accepts_known_regions(country: str, subdivision: str | None) -> None:
    validate_holiday_region(country, subdivision)


@pytest.mark.parametrize(
    ("country", "subdivision", "message"),
    [
        ("XX", None, "unknown holiday country 'XX'; try a code such as US"),
        ("us", None, "did you mean 'US'"),
        ("US", "ZZ", "unknown subdivision 'ZZ' of holiday country 'US'; try AK"),
        ("IL", "TA", "has no subdivisions"),
    ],
)
def test_validate_holiday_region_refuses_unknown_regions(country: str, subdivision: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_holiday_region(country, subdivision)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"work_days": frozenset({7})}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
        ({"pto": ((date(2026, 11, 13), date(2026, 11, 9)),)}, "PTO range"),
        ({"day_starts": time(17, 0), "day_ends": time(9, 0)}, "working hours"),
        ({"holiday_country": "XX"}, "unknown holiday country"),
        ({"holiday_subdivision": "CA"}, "needs a holiday country"),
    ],
)
def test_a_calendar_refuses_bad_settings(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar(**fields)


# Properties ---------------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
pto_ranges = st.lists(
    st.tuples(days, st.integers(min_value=0, max_value=20)).map(lambda r: (r[0], r[0] + timedelta(days=r[1]))),
    max_size=4,
).map(tuple)
calendars = st.builds(
    WorkCalendar,
    timezone=st.sampled_from(["UTC", "America/New_York", "America/Los_Angeles", "Asia/Jerusalem", "Asia/Tokyo"]),
    work_days=st.frozensets(st.integers(min_value=0, max_value=6)),
    holiday_country=st.sampled_from([None, "US", "GB", "IL"]),
    pto=pto_ranges,
)


@settings(max_examples=75, deadline=None)
@given(calendar=calendars, start=days, length=st.integers(min_value=-3, max_value=120), extra=pto_ranges)
def test_working_days_never_exceed_calendar_days_and_pto_never_adds_any(
    calendar: WorkCalendar, start: date, length: int, extra: tuple[tuple[date, date], ...]
) -> None:
    end = start + timedelta(days=length)
    found = working_days(calendar, start, end)
    assert len(found) <= max(length, 0)
    assert found == sorted(set(found)) and all(start <= day < end for day in found)
    assert all(is_working_day(calendar, day) for day in found)
    more_pto = WorkCalendar(
        timezone=calendar.timezone,
        work_days=calendar.work_days,
        holiday_country=calendar.holiday_country,
        pto=calendar.pto + extra,
    )
    assert set(working_days(more_pto, start, end)) <= set(found)


@settings(max_examples=75, deadline=None)
@given(
    calendar=calendars,
    start=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    length=st.integers(min_value=1, max_value=40),
    offsets=st.lists(st.integers(min_value=-3 * 86_400, max_value=45 * 86_400), min_size=2, max_size=6),
)
def test_elapsed_working_fraction_never_decreases_and_stays_between_0_and_1(
    calendar: WorkCalendar, start: date, length: int, offsets: list[int]
) -> None:
    period = Period(WEEK.kind, start, start + timedelta(days=length))
    base = datetime.combine(start, time(0), tzinfo=UTC)
    fractions = [elapsed_working_fraction(calendar, period, base + timedelta(seconds=s)) for s in sorted(offsets)]
    if not working_days(calendar, period.start, period.end):
        assert fractions == [None] * len(fractions)
        return
    values = [f for f in fractions if f is not None]
    assert len(values) == len(fractions)
    assert all(Decimal(0) <= f <= Decimal(1) for f in values)
    assert values == sorted(values)
