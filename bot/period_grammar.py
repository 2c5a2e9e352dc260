"""Reading a period: `2017-Q2`, `2017-05`, `2017`, `2017-04-01..2017-06-30`, `all`, or `this|last week|month|…`.

Shared by `/kpis` and `tally report`. Pure: the caller gives `today` in the asker's zone.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from metrics.errors import UsageError
from metrics.periods import Period, PeriodKind, all_time, date_range, period_containing

PERIOD_USAGE = (
    "Periods: `today`, `week`, `month`, `quarter`, `year` (this one), `last month`, `2017-Q2`, `2017-05`, "
    "`2017`, `2017-04-01..2017-06-30` or `all`."
)
_KINDS = {
    "today": PeriodKind.DAY,
    "day": PeriodKind.DAY,
    "week": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER,
    "year": PeriodKind.YEAR,
}
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$|^q([1-4])[- ]?(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*\.\.\s*(\d{4}-\d{1,2}-\d{1,2})$")


def parse_period(text: str, *, today: date, week_start: int = 0, default: PeriodKind = PeriodKind.QUARTER) -> Period:
    """Read a period; empty text means the current period of kind `default`.

    Raises:
        UsageError: the text is not a period Tally knows.
    """
    words = " ".join(text.lower().split())
    if not words:
        return period_containing(default, today, week_start=week_start)
    if words in ("all", "all time", "ever"):
        return all_time()
    relative = _relative(words, today, week_start)
    if relative is not None:
        return relative
    return _absolute(words)


def _relative(words: str, today: date, week_start: int) -> Period | None:
    if words == "yesterday":
        return period_containing(PeriodKind.DAY, today - timedelta(days=1))
    first, _, rest = words.partition(" ")
    if first in ("this", "current") and rest in _KINDS:
        return period_containing(_KINDS[rest], today, week_start=week_start)
    if first in ("last", "previous") and rest in _KINDS:
        return period_containing(_KINDS[rest], today, week_start=week_start).previous(week_start)
    if words in _KINDS:
        return period_containing(_KINDS[words], today, week_start=week_start)
    return None


def _absolute(words: str) -> Period:
    try:
        if match := _QUARTER.match(words.replace(" ", "")):
            year, quarter = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            return period_containing(PeriodKind.QUARTER, date(int(year), 3 * int(quarter) - 2, 1))
        if match := _MONTH.match(words):
            return period_containing(PeriodKind.MONTH, date(int(match.group(1)), int(match.group(2)), 1))
        if match := _YEAR.match(words):
            return period_containing(PeriodKind.YEAR, date(int(match.group(1)), 1, 1))
        if match := _RANGE.match(words):
            return date_range(_iso(match.group(1)), _iso(match.group(2)))
    except (ValueError, OverflowError) as error:
        raise UsageError(f"“{words[:40]}” isn't a period I can use ({error}).", usage=PERIOD_USAGE) from None
    raise UsageError(f"“{words[:40]}” isn't a period I know.", usage=PERIOD_USAGE)


def _iso(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


WINDOW_WORDS = {
    "today": PeriodKind.DAY,
    "day": PeriodKind.DAY,
    "daily": PeriodKind.DAY,
    "week": PeriodKind.WEEK,
    "weekly": PeriodKind.WEEK,
    "this week": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
    "monthly": PeriodKind.MONTH,
    "this month": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER,
    "quarterly": PeriodKind.QUARTER,
    "this quarter": PeriodKind.QUARTER,
    "year": PeriodKind.YEAR,
    "yearly": PeriodKind.YEAR,
    "annual": PeriodKind.YEAR,
    "this year": PeriodKind.YEAR,
}


def parse_window(text: str, *, usage: str, default: PeriodKind = PeriodKind.WEEK) -> PeriodKind:
    """`today|week|month|quarter|year` (empty: `default`).

    Raises:
        UsageError: any other words.
    """
    words = " ".join(text.lower().split())
    if not words:
        return default
    if words in WINDOW_WORDS:
        return WINDOW_WORDS[words]
    raise UsageError(f"“{words[:40]}” isn't a window I know; use today, week, month, quarter or year.", usage=usage)
