"""Pure period windows (day, week, month, quarter, year) in a time zone.

Standard library only, and no clock: every function takes the instant or the day it works from. Periods are
half-open `[start, end)` ranges of *local calendar days*; `utc_bounds` turns one into the UTC instants that
bound it in a given zone, which is where daylight saving time shows (a local day may last 23 or 25 hours).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class PeriodKind(StrEnum):
    """The calendar periods targets and scorecards are kept in."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open range of local calendar days, `[start, end)`."""

    kind: PeriodKind
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def length_days(self) -> int:
        """How many calendar days the period spans."""
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        """The last day inside the period (end is exclusive)."""
        return self.end - timedelta(days=1)

    def utc_bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """Return the UTC instants `[first moment, first moment after)` of the period in zone `tz`."""
        return local_midnight(self.start, tz), local_midnight(self.end, tz)

    def days(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.start + timedelta(days=n) for n in range(self.length_days)]

    @property
    def label(self) -> str:
        """A short name: "2017-Q2", "2017-05", "2017", "2017-04-01..2017-06-30", "all time"."""
        if self.kind is PeriodKind.ALL:
            return "all time"
        if self.kind is PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.DAY:
            return self.start.isoformat()
        if self.kind is PeriodKind.WEEK:
            return f"week of {self.start.isoformat()}"
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    def previous(self, week_start: int = 0) -> Period:
        """The period of the same kind just before this one (a range: the same number of days before)."""
        if self.kind in (PeriodKind.RANGE, PeriodKind.ALL):
            return Period(self.kind, self.start - timedelta(days=self.length_days), self.start)
        return period_containing(self.kind, self.start - timedelta(days=1), week_start=week_start)


def zone(name: str) -> ZoneInfo:
    """Return the IANA zone `name`, raising ValueError (not a zoneinfo error) when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def is_valid_zone(name: str) -> bool:
    """True if `name` is an IANA time zone this machine knows."""
    try:
        zone(name)
    except ValueError:
        return False
    return True


def local_date(instant: datetime, tz: tzinfo) -> date:
    """Return the calendar day it is in zone `tz` at the aware `instant`.

    Raises:
        ValueError: if `instant` is naive (a naive time has no defined day anywhere).
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("local_date needs an aware datetime")
    return instant.astimezone(tz).date()


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """Return, in UTC, the first instant of local calendar day `day` in zone `tz`.

    Where midnight itself does not exist (a DST jump at 00:00, as in America/Santiago), zoneinfo's fold=0
    reading uses the offset from before the jump, which lands exactly on the first instant that exists.
    """
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def day_period(day: date) -> Period:
    """The single day `day`."""
    return Period(PeriodKind.DAY, day, day + timedelta(days=1))


def week_period(day: date, week_start: int = 0) -> Period:
    """The 7-day week holding `day`, starting on weekday `week_start` (0 = Monday … 6 = Sunday)."""
    if not 0 <= week_start <= 6:
        raise ValueError("week_start must be 0 (Monday) to 6 (Sunday)")
    start = day - timedelta(days=(day.weekday() - week_start) % 7)
    return Period(PeriodKind.WEEK, start, start + timedelta(days=7))


def month_period(day: date) -> Period:
    """The calendar month holding `day`."""
    start = day.replace(day=1)
    return Period(PeriodKind.MONTH, start, add_months(start, 1))


def quarter_period(day: date) -> Period:
    """The calendar quarter holding `day` (Q1 = January to March)."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(PeriodKind.QUARTER, start, add_months(start, 3))


def year_period(day: date) -> Period:
    """The calendar year holding `day`."""
    return Period(PeriodKind.YEAR, date(day.year, 1, 1), date(day.year + 1, 1, 1))


def date_range(first: date, last: date) -> Period:
    """The days from `first` to `last`, both included."""
    if last < first:
        raise ValueError("a range must not end before it starts")
    return Period(PeriodKind.RANGE, first, last + timedelta(days=1))


def all_time() -> Period:
    """Every day there is (for reports over all the data)."""
    return Period(PeriodKind.ALL, date(1, 1, 1), date(9999, 12, 31))


def period_containing(kind: PeriodKind | str, day: date, *, week_start: int = 0) -> Period:
    """Return the period of `kind` that holds `day` (day, week, month, quarter or year)."""
    kind = PeriodKind(kind)
    if kind in (PeriodKind.RANGE, PeriodKind.ALL):
        raise ValueError(f"no calendar period of kind {kind}")
    if kind is PeriodKind.WEEK:
        return week_period(day, week_start)
    builders = {
        PeriodKind.DAY: day_period,
        PeriodKind.MONTH: month_period,
        PeriodKind.QUARTER: quarter_period,
        PeriodKind.YEAR: year_period,
    }
    return builders[kind](day)


def most_recent_weekday(today: date, weekday: int) -> date:
    """The latest day on or before `today` that falls on `weekday` (0 = Monday)."""
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months; the 31st becomes the month's last day where needed."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
