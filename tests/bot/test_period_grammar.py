"""Periods and the /kpis grammar."""

from __future__ import annotations

from datetime import date

import pytest

from bot.kpis_grammar import parse_kpis
from bot.period_grammar import parse_period
from metrics.deal_records import Audience
from metrics.errors import UsageError
from metrics.periods import PeriodKind

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2017-Q2", date(2017, 4, 1), date(2017, 7, 1), "2017-Q2"),
        ("q4 2017", date(2017, 10, 1), date(2018, 1, 1), "2017-Q4"),
        ("2017-05", date(2017, 5, 1), date(2017, 6, 1), "2017-05"),
        ("2017", date(2017, 1, 1), date(2018, 1, 1), "2017"),
        ("2017-04-01..2017-06-30", date(2017, 4, 1), date(2017, 7, 1), "2017-04-01..2017-06-30"),
        ("", date(2026, 10, 1), date(2027, 1, 1), "2026-Q4"),
        ("month", date(2026, 11, 1), date(2026, 12, 1), "2026-11"),
        ("last month", date(2026, 10, 1), date(2026, 11, 1), "2026-10"),
        ("last quarter", date(2026, 7, 1), date(2026, 10, 1), "2026-Q3"),
        ("this week", date(2026, 11, 23), date(2026, 11, 30), "week of 2026-11-23"),
        ("last week", date(2026, 11, 16), date(2026, 11, 23), "week of 2026-11-16"),
        ("yesterday", date(2026, 11, 25), date(2026, 11, 26), "2026-11-25"),
        ("last year", date(2025, 1, 1), date(2026, 1, 1), "2025"),
    ],
)
def test_periods(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text, today=TODAY)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_all_time_and_week_starts() -> None:
    assert parse_period("all", today=TODAY).kind is PeriodKind.ALL
    assert parse_period("week", today=TODAY, week_start=6).start == date(2026, 11, 22)


@pytest.mark.parametrize("text", ["2017-13", "2017-Q5", "soon", "2017-06-30..2017-04-01", "2017-02-30..2017-03-01"])
def test_unknown_periods_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match="isn't a period"):
        parse_period(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "mentioned", "audience", "label"),
    [
        ("", False, Audience.ME, "2026-Q4"),
        ("team", False, Audience.TEAM, "2026-Q4"),
        ("team last quarter", False, Audience.TEAM, "2026-Q3"),
        ("last quarter team", False, Audience.TEAM, "2026-Q3"),
        ("everyone 2026", False, Audience.EVERYONE, "2026"),
        ("all", False, Audience.ME, "all time"),
        ("month", True, Audience.REP, "2026-11"),
        ("me 2026-Q3", False, Audience.ME, "2026-Q3"),
    ],
)
def test_kpis_requests(text: str, mentioned: bool, audience: Audience, label: str) -> None:
    request = parse_kpis(text, today=TODAY, week_start=0, mentioned=mentioned)
    assert (request.audience, request.period.label) == (audience, label)


def test_kpis_refusals_show_both_usages() -> None:
    with pytest.raises(UsageError) as caught:
        parse_kpis("banana", today=TODAY, week_start=0)
    assert caught.value.usage is not None and "/kpis team" in caught.value.usage and "2017-Q2" in caught.value.usage
    with pytest.raises(UsageError, match="one person or for a team"):
        parse_kpis("team", today=TODAY, week_start=0, mentioned=True)
