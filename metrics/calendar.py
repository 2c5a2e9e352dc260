"""Working days for a rep: the work week, public holidays (the `holidays` package) and PTO.

No clock: every function takes the day or the instant it works from. A `WorkCalendar` is one rep's calendar with
the workspace's settings and the rep's overrides already applied. Days are local calendar days; ranges of days
are half-open `[start, end)` like `metrics.periods.Period`, except PTO ranges, which are inclusive at both ends
because that is how people say them ("off from the 3rd to the 7th").

Weekends are not holidays by themselves: only `work_days` decides which weekdays are worked, so a Sunday–Thursday
team (Israel) and a Monday–Friday team share the same rules. Holiday lookups are cached per
(country, subdivision, year), so asking about many days costs one lookup per year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

import holidays

from metrics.periods import Period, local_date, zone

# Holiday names appear in messages to reps; without an explicit language the package guesses one from the
# server's locale, so the same workspace could see different names on different machines.
_NAME_LANGUAGE = "en_US"
_EXAMPLE_COUNTRIES = "US, GB, DE, IL"
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """A rep's working calendar (the workspace's settings with the rep's overrides already applied).

    Attributes:
        timezone: IANA zone name the rep's days and working hours are in.
        work_days: weekdays worked, 0 = Monday … 6 = Sunday.
        holiday_country: ISO code understood by `holidays.country_holidays` ("US", "GB", "IL"), or None for no
            public holidays.
        holiday_subdivision: state, province or nation within the country ("CA", "ENG"), or None.
        pto: days off as inclusive `(first, last)` ranges; ranges may overlap.
        day_starts: local start of working hours (used for the elapsed share of today).
        day_ends: local end of working hours; must be later than `day_starts`.

    Raises:
        ValueError: on construction, for an unknown time zone or holiday region, a weekday outside 0–6, a PTO
            range that ends before it starts, or working hours that do not end after they start.
    """

    timezone: str = "UTC"
    work_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    pto: tuple[tuple[date, date], ...] = ()
    day_starts: time = time(9, 0)
    day_ends: time = time(17, 0)

    def __post_init__(self) -> None:
        zone(self.timezone)
        if any(not 0 <= weekday <= 6 for weekday in self.work_days):
            raise ValueError("work days must be weekdays 0 (Monday) to 6 (Sunday)")
        if any(last < first for first, last in self.pto):
            raise ValueError("a PTO range must not end before it starts")
        if self.day_ends <= self.day_starts:
            raise ValueError("working hours must end after they start")
        if self.holiday_country is not None:
            validate_holiday_region(self.holiday_country, self.holiday_subdivision)
        elif self.holiday_subdivision is not None:
            raise ValueError("a holiday subdivision needs a holiday country")

    @property
    def tz(self) -> tzinfo:
        """The calendar's time zone."""
        return zone(self.timezone)

    def on_pto(self, day: date) -> bool:
        """True if `day` falls inside one of the PTO ranges (both ends included)."""
        return any(first <= day <= last for first, last in self.pto)


def validate_holiday_region(country: str, subdivision: str | None = None) -> None:
    """Check that the `holidays` package knows `country` and, if given, its `subdivision`.

    Codes are matched exactly as the package spells them (upper case: "US", "CA", "ENG"); the package's
    alternative codes for a country ("USA") are accepted too.

    Raises:
        ValueError: with a short message a user can act on, e.g.
            "unknown holiday country 'XX'; try a code such as US, GB, DE, IL".
    """
    supported = _supported_regions()
    if country not in supported:
        upper = country.upper()
        hint = f"did you mean {upper!r}?" if upper in supported else f"try a code such as {_EXAMPLE_COUNTRIES}"
        raise ValueError(f"unknown holiday country {country!r}; {hint}")
    if subdivision is None:
        return
    known = supported[country]
    if not known:
        raise ValueError(f"holiday country {country!r} has no subdivisions; leave the subdivision empty")
    if subdivision not in known:
        examples = ", ".join(known[:6]) + (", …" if len(known) > 6 else "")
        raise ValueError(f"unknown subdivision {subdivision!r} of holiday country {country!r}; try {examples}")


def holidays_between(calendar: WorkCalendar, start: date, end: date) -> dict[date, str]:
    """Return the public holidays in `[start, end)`, name by date, in date order.

    Holidays are the package's default ("public") category for the calendar's country and subdivision,
    including observed days ("Christmas Day (observed)"). A holiday on a day that is not worked anyway is still
    listed. Names are in English where the package has English names.

    Returns:
        An empty dict when the calendar has no holiday country or `end <= start`.
    """
    if calendar.holiday_country is None or end <= start:
        return {}
    found: dict[date, str] = {}
    for year in range(start.year, (end - timedelta(days=1)).year + 1):
        found.update((day, name) for day, name in _holidays_of(calendar, year).items() if start <= day < end)
    return dict(sorted(found.items()))


def is_working_day(calendar: WorkCalendar, day: date) -> bool:
    """True if `day` is one of the calendar's work days, not a public holiday and not inside a PTO range."""
    return _is_worked(calendar, day, _holidays_of(calendar, day.year))


def working_days(calendar: WorkCalendar, start: date, end: date) -> list[date]:
    """Return every working day in `[start, end)`, in order (empty when `end <= start`).

    See `is_working_day` for what counts; the result is what `metrics.kpis.streak` expects.
    """
    days_off = holidays_between(calendar, start, end)
    days = (start + timedelta(days=n) for n in range(max((end - start).days, 0)))
    return [day for day in days if _is_worked(calendar, day, days_off)]


def working_days_left(calendar: WorkCalendar, period: Period, today: date) -> int:
    """Count the working days from `today` (included) to the end of `period` (excluded).

    Today counts whether or not the rep has started working: it is the number of days still to plan for.

    Returns:
        0 when `today` is on or after `period.end`; the whole period's working days when `today` is before
        `period.start`.
    """
    return len(working_days(calendar, max(today, period.start), period.end))


def elapsed_working_fraction(calendar: WorkCalendar, period: Period, now: datetime) -> Decimal | None:
    """Return the share of the period's working time that has passed at the aware instant `now`.

    The rep's local date at `now` (in the calendar's zone) decides "today". The share is (working days of the
    period before today + the part of today's working hours already passed, if today is a working day) ÷ the
    period's working days. The part of today is 0 before `day_starts`, 1 after `day_ends` and linear in real
    elapsed time in between, so a working day that spans a daylight-saving change is measured in the hours that
    actually pass. The result never decreases as `now` moves forward.

    Returns:
        A Decimal from 0 to 1: 0 before the period starts, 1 after it ends; None when the period has no working
        days at all (a week wholly on PTO), since there is then no pace to keep.

    Raises:
        ValueError: if `now` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("elapsed_working_fraction needs an aware datetime")
    worked = working_days(calendar, period.start, period.end)
    if not worked:
        return None
    today = local_date(now, calendar.tz)
    if today < period.start:
        return Decimal(0)
    if today >= period.end:
        return Decimal(1)
    passed = Decimal(sum(1 for day in worked if day < today))
    if today in worked:
        passed += share_of_day_passed(calendar, today, now)
    return passed / Decimal(len(worked))


def _holidays_of(calendar: WorkCalendar, year: int) -> Mapping[date, str]:
    if calendar.holiday_country is None:
        return {}
    return _holidays_in_year(calendar.holiday_country, calendar.holiday_subdivision, year)


def _is_worked(calendar: WorkCalendar, day: date, days_off: Mapping[date, str]) -> bool:
    return day.weekday() in calendar.work_days and day not in days_off and not calendar.on_pto(day)


def share_of_day_passed(calendar: WorkCalendar, today: date, now: datetime) -> Decimal:
    """How much of `today`'s working hours (day_starts to day_ends, in the calendar's zone) has passed at `now`."""
    # Compare UTC instants: subtracting two times in the same zone would use wall-clock arithmetic and miss the
    # hour a DST change adds or removes.
    start = datetime.combine(today, calendar.day_starts, tzinfo=calendar.tz).astimezone(UTC)
    end = datetime.combine(today, calendar.day_ends, tzinfo=calendar.tz).astimezone(UTC)
    if now <= start:
        return Decimal(0)
    # A start inside a spring-forward gap can land after the end; then the day flips from 0 to 1 at the start.
    if now >= end:
        return Decimal(1)
    return Decimal((now - start) // _ONE_MICROSECOND) / Decimal((end - start) // _ONE_MICROSECOND)


@lru_cache(maxsize=1)
def _supported_regions() -> dict[str, list[str]]:
    # The package builds this table afresh on every call (~15 ms); it never changes while we run.
    return holidays.list_supported_countries(include_aliases=True)


@lru_cache(maxsize=512)
def _holidays_in_year(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=year, language=_NAME_LANGUAGE)
    except NotImplementedError as error:
        raise ValueError(f"unknown holiday region {country!r}/{subdivision!r}") from error
    # A read-only plain copy: the package's object grows when asked about other years, and this one is shared.
    return MappingProxyType(dict(found))


def without_pto(calendar: WorkCalendar) -> WorkCalendar:
    """The same calendar with no days off: the working days a target for a whole period is set against."""
    return replace(calendar, pto=())
