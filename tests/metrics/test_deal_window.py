"""Every reader of deal sums, on deals far outside the window (a decade before, a decade after), pinned by hand.

The deal reads are bounded by the window a screen shows (bench part 2): these figures were computed by eye and
checked against the unbounded reads before the bound was added, so any deal the bound wrongly drops shows here.
The window is November 2026; "today" is Thursday 26 November (T0, in New York).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from metrics.deal_records import Audience, GroupBy, KpiRow
from metrics.imports import columns, rows
from metrics.models import Deal
from metrics.periods import Period, PeriodKind, all_time, period_containing
from metrics.records import RepContext
from metrics.services import funnel, imports, kpi_cards, numbers, planning, reports
from metrics.team_queries import reps
from tests.factories import T0, make_office

D = Decimal
NOVEMBER = period_containing(PeriodKind.MONTH, date(2026, 11, 26))
WEEK = period_containing(PeriodKind.WEEK, date(2026, 11, 26), week_start=0)  # Mon 23 – Sun 29 November
# Office: Ann (admin, no team); East = Dee (manager), Bob, Cy; West = Eve (manager), Fay.
DEALS = """id,owner,account,amount,cost,stage,created,closed,contract_months
b1,Bob,Acme,10000,,won,2015-12-01,2016-01-05,
b2,Bob,Globex,7000,,lost,2016-02-01,2016-03-01,
b3,Bob,Acme,8000,2000,won,2026-10-31,2026-11-10,
b4,Bob,Globex,4000,,lost,2026-11-02,2026-11-12,
b5,Bob,Hooli,5000,,open,2016-06-01,,
b6,Bob,Hooli,5000,,open,2030-01-01,,
b7,Bob,Umbrella,9000,,won,2026-11-20,2036-05-01,
b8,Bob,Umbrella,9000,,won,2036-01-01,2036-06-01,
b9,Bob,Initech,12000,,won,2018-12-01,2019-01-15,120
b10,Bob,Initech,5000,,won,2017-12-01,2018-01-01,24
b11,Bob,Initech,6000,,won,2026-10-06,2026-11-05,12
b12,Bob,Soylent,2400,,won,2026-11-01,2026-11-28,12
b13,Bob,Soylent,1000,,won,2026-10-01,2026-10-31,
b14,Bob,Soylent,1500,,lost,2026-11-15,2026-12-01,
c1,Cy,Acme,3000,,won,2017-01-01,2017-02-01,
c2,Cy,Acme,3000,,lost,2017-01-01,2017-03-01,
f1,Fay,Globex,10000,,won,2020-06-01,2020-07-01,100
d1,Dee,Vandelay,3000,,won,,2026-11-20,
a1,Ann,Hooli,1000,,lost,2026-09-04,2026-11-03,
e1,Eve,Acme,50000,,won,2026-11-01,2026-11-02,
e2,Eve,Acme,20000,,won,2019-12-01,2020-01-01,120
"""
# What each deal does in November 2026 (as of the 26th):
# b3, b11, b12 won and b4 lost in the window; b5 (open since 2016), b7 (closes in 2036) and b14 (closes on
# 1 December) are open at its end; b6 and b8 were created after it. Running contracts on the 26th: b9 (2019 for
# ten years: 1,200 a year) and b11 (6,000); b10 ended in 2020, b12 starts on the 28th. Fay's only deal is a
# contract of 2020 still running (1,200 a year). Eve's deals were deleted (inactive): they count nowhere.
BOB = (3, 1, 3, D(16_400), D(7_200))  # won, lost, open, revenue, ARR
FAY = (0, 0, 0, D(0), D(1_200))
DEE = (1, 0, 0, D(3_000), None)
ANN = (0, 1, 0, D(0), None)
ZERO = (0, 0, 0, D(0), None)  # Cy: deals only in 2017


@pytest.fixture
def office(sessions: sessionmaker[Session], tmp_path: Path) -> dict[str, RepContext]:
    people = make_office(sessions)
    path = tmp_path / "deals.csv"
    path.write_text(DEALS)
    parsed, problems = rows.read_rows(
        columns.open_table(path, columns.DEAL_FIELDS), rows.deal_parser(rows.ReadOptions())
    )
    assert not problems
    with sessions.begin() as session:
        workspace_id = people["Ann"].workspace_id
        imports.import_deals(session, workspace_id=workspace_id, rows=parsed, problems=problems, now=T0)
        session.execute(update(Deal).where(Deal.external_id.in_(("e1", "e2"))).values(active=False))
    return people


def brief(row: KpiRow) -> tuple[int, int, int, Decimal, Decimal | None]:
    return row.won, row.lost, row.open, row.won_revenue, row.arr


def report(sessions: sessionmaker[Session], office: dict[str, RepContext], period: Period, by: GroupBy) -> object:
    with sessions.begin() as session:
        workspace_id = office["Ann"].workspace_id
        return reports.kpi_report(session, workspace_id=workspace_id, period=period, group_by=by, as_of=T0.date())


def test_report_by_rep_counts_only_the_window(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    result = report(sessions, office, NOVEMBER, GroupBy.REP)
    assert {row.label: brief(row) for row in result.rows} == {"Ann": ANN, "Bob": BOB, "Dee": DEE, "Fay": FAY}  # type: ignore[attr-defined]
    bob = next(row for row in result.rows if row.label == "Bob")  # type: ignore[attr-defined]
    assert bob.sales_cycle_days == D(77) / D(4) and bob.sales_cycle_days_won == D(67) / D(3)  # 10, 10, 30, 27 days
    assert bob.accounts_with_won_deals == 3 and bob.arpa == D(16_400) / D(3)
    assert bob.profit_margin == D("0.75") and bob.avg_profit_per_deal == D(6_000)  # b3 only has a cost
    assert bob.value_win_rate == D(16_400) / D(20_400)
    totals = result.totals  # type: ignore[attr-defined]
    assert brief(totals) == (4, 2, 3, D(19_400), D(8_400))
    assert totals.sales_cycle_days == D(137) / D(5) and totals.sales_cycle_days_won == D(67) / D(3)
    assert totals.accounts_with_won_deals == 4  # Acme, Initech, Soylent, Vandelay


def test_report_by_team_and_workspace(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    teams = report(sessions, office, NOVEMBER, GroupBy.TEAM)
    assert [(row.label, *brief(row)) for row in teams.rows] == [  # type: ignore[attr-defined]
        ("(no team)", *ANN),
        ("East", 4, 1, 3, D(19_400), D(7_200)),
        ("West", *FAY),  # a team whose only figure is a contract closed six years ago
    ]
    whole = report(sessions, office, NOVEMBER, GroupBy.WORKSPACE)
    assert [brief(row) for row in whole.rows] == [(4, 2, 3, D(19_400), D(8_400))]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("period", "bob", "everyone"),
    [
        # All time: every active deal; open at its end only b5 and b6 (b7, b8 and b14 closed by 9999).
        (all_time(), (9, 3, 2, D(62_400), D(7_200)), (12, 5, 2, D(78_400), D(8_400))),
        # 2016: b1 won, b2 lost, b5 opened (and Dee's d1, which has no creation date); no contract running.
        (period_containing(PeriodKind.YEAR, date(2016, 5, 1)), (1, 1, 1, D(10_000), None), (1, 1, 2, D(10_000), None)),
        # 2036: b7 and b8 won; b5 and b6 still open; ARR as of today (the report's as_of is earlier).
        (
            period_containing(PeriodKind.YEAR, date(2036, 5, 1)),
            (2, 0, 2, D(18_000), D(7_200)),
            (2, 0, 2, D(18_000), D(8_400)),
        ),
    ],
)
def test_report_far_from_today(
    sessions: sessionmaker[Session], office: dict[str, RepContext], period: Period, bob: tuple, everyone: tuple
) -> None:
    result = report(sessions, office, period, GroupBy.REP)
    assert brief(next(row for row in result.rows if row.label == "Bob")) == bob  # type: ignore[attr-defined]
    assert brief(result.totals) == everyone  # type: ignore[attr-defined]


def card(sessions: sessionmaker[Session], asker: RepContext, audience: Audience, rep_id: int | None = None) -> KpiRow:
    with sessions.begin() as session:
        return kpi_cards.kpi_card(session, asker=asker, audience=audience, period=NOVEMBER, now=T0, rep_id=rep_id).row


def test_kpi_cards(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    assert brief(card(sessions, office["Bob"], Audience.ME)) == BOB
    assert brief(card(sessions, office["Cy"], Audience.ME)) == ZERO
    assert brief(card(sessions, office["Eve"], Audience.REP, office["Fay"].rep_id)) == FAY
    assert brief(card(sessions, office["Dee"], Audience.TEAM)) == (4, 1, 3, D(19_400), D(7_200))
    assert brief(card(sessions, office["Fay"], Audience.TEAM)) == FAY
    assert brief(card(sessions, office["Ann"], Audience.EVERYONE)) == (4, 2, 3, D(19_400), D(8_400))


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (NOVEMBER, {"Ann": ANN, "Bob": BOB, "Cy": ZERO, "Dee": DEE, "Eve": ZERO, "Fay": FAY}),
        # The week of the 23rd: b12 won on the 28th (after today, still in the week); Dee's win was the 20th.
        (WEEK, {"Ann": ZERO, "Bob": (1, 0, 3, D(2_400), D(7_200)), "Cy": ZERO, "Dee": ZERO, "Eve": ZERO, "Fay": FAY}),
    ],
)
def test_board_and_card_numbers(
    sessions: sessionmaker[Session], office: dict[str, RepContext], window: Period, expected: dict[str, tuple]
) -> None:
    with sessions.begin() as session:
        everyone = reps(session, office["Ann"].workspace_id)
        result = numbers.rep_numbers(
            session, workspace_id=office["Ann"].workspace_id, reps=everyone, window=window, now=T0, week_start=0
        )
    assert {entry.name: brief(entry.deals) for entry in result.values()} == expected


def test_funnel_counts(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    ids = [person.rep_id for person in office.values()]
    with sessions.begin() as session:
        counts = funnel.counts_by_rep(session, office["Ann"].workspace_id, ids, NOVEMBER, T0.date())
        east = funnel.funnel(session, asker=office["Dee"], period=NOVEMBER, now=T0)
    deal_counts = {name: (counts.get(p.rep_id, {}).get("won", 0), counts.get(p.rep_id, {}).get("closed", 0))
                   for name, p in office.items()}  # fmt: skip
    assert deal_counts == {"Ann": (0, 1), "Bob": (3, 4), "Cy": (0, 0), "Dee": (1, 1), "Eve": (0, 0), "Fay": (0, 0)}
    rows_ = {row.name: (row.counts.get("won", 0), row.counts.get("closed", 0)) for row in east.rows}
    assert rows_ == {"Bob": (3, 4), "Cy": (0, 0), "Dee": (1, 1)}


def test_plan_reads_the_month_and_the_last_half_year(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    request = planning.PlanInput(D(100_000), PeriodKind.MONTH, Audience.ME, rates={"opportunities": D("0.5"),
                                 "meetings": D("0.5"), "conversations": D("0.5")})  # fmt: skip
    with sessions.begin() as session:
        plan = planning.plan(session, asker=office["Bob"], request=request, now=T0)
    assert plan.revenue_won == D(16_400)  # November
    # 30 May – 26 November: won b3, b11, b13 (15,000), lost b4; b12 closes after today.
    assert (plan.deal_size.value, plan.deal_size.observations) == (D(5_000), 3)
    assert (plan.win_rate.value, plan.win_rate.observations) == (D(3) / D(4), 4)


def test_an_open_deal_with_a_close_date_counts_once(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    """Reopened with its old close date kept: found both as open and as closed in the window, counted once."""
    with sessions.begin() as session:
        session.execute(update(Deal).where(Deal.external_id == "b4").values(stage="open"))
    assert brief(card(sessions, office["Bob"], Audience.ME)) == (3, 0, 4, D(16_400), D(7_200))
