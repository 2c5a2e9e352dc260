"""KPI reports on a small hand-made company, where every figure can be checked by eye."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from metrics.deal_records import GroupBy, KpiReport
from metrics.imports import columns, rows
from metrics.kpis import Contract, portfolio_arr
from metrics.periods import all_time, date_range, period_containing
from metrics.records import WorkspaceDefaults
from metrics.services import imports, reports
from metrics.services.workspaces import choose_workspace

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
D = Decimal
# Q3 2026 for Ann: 2 won (Acme 10,000 after 30 days; Globex 6,000 after 10 days, cost 4,000), 1 lost (20 days).
# Bo (team West): 1 won in Q3 (Acme 2,000, 5 days); 1 won in Q4; 1 open since August.
DEALS = """id,owner,account,amount,cost,stage,created,closed,contract_months
1,Ann Lee,Acme,10000,,won,2026-07-01,2026-07-31,
2,Ann Lee,Globex,6000,4000,won,2026-08-01,2026-08-11,
3,Ann Lee,Initech,9000,,lost,2026-08-01,2026-08-21,
4,Bo Chen,Acme,2000,,won,2026-09-01,2026-09-06,
5,Bo Chen,Umbrella,24000,,won,2026-10-01,2026-10-10,12
6,Bo Chen,Hooli,5000,,open,2026-08-15,,
"""
TEAMS = "name,team\nAnn Lee,East\nBo Chen,West\n"
SUBSCRIPTIONS = """account,start,end,mrr,churned
Acme,2026-01-01,,100,false
Globex,2026-02-01,2026-08-15,50,true
Initech,2026-03-01,2026-07-10,70,true
Initech,2026-07-01,,80,false
Hooli,2026-08-01,,40,false
"""


def load(sessions: sessionmaker[Session], tmp_path: Path) -> int:
    with sessions.begin() as session:
        workspace = choose_workspace(session, None, create=True, defaults=WorkspaceDefaults(), now=NOW)
        for name, text, fields, parser, store in [
            ("deals.csv", DEALS, columns.DEAL_FIELDS, rows.deal_parser, imports.import_deals),
            ("teams.csv", TEAMS, columns.REP_FIELDS, rows.rep_parser, imports.import_reps),
            (
                "subs.csv",
                SUBSCRIPTIONS,
                columns.SUBSCRIPTION_FIELDS,
                rows.subscription_parser,
                imports.import_subscriptions,
            ),
        ]:
            path = tmp_path / name
            path.write_text(text)
            parsed, problems = rows.read_rows(columns.open_table(path, fields), parser(rows.ReadOptions()))
            assert not problems
            store(session, workspace_id=workspace.id, rows=parsed, problems=problems, now=NOW)
        return workspace.id


def report(sessions: sessionmaker[Session], workspace_id: int, period: object, by: GroupBy) -> KpiReport:
    with sessions.begin() as session:
        return reports.kpi_report(session, workspace_id=workspace_id, period=period, group_by=by, as_of=NOW.date())  # type: ignore[arg-type]


@pytest.fixture
def company(sessions: sessionmaker[Session], tmp_path: Path) -> int:
    return load(sessions, tmp_path)


def test_rep_rows_and_totals_for_a_quarter(sessions: sessionmaker[Session], company: int) -> None:
    q3 = period_containing("quarter", date(2026, 8, 1))
    result = report(sessions, company, q3, GroupBy.REP)
    ann, bo = result.rows
    assert (ann.label, ann.won, ann.lost, ann.open) == ("Ann Lee", 2, 1, 0)
    assert ann.win_rate == D(2) / D(3) and ann.won_revenue == D(16_000) and ann.avg_deal_size == D(8_000)
    assert ann.sales_cycle_days == D(20) and ann.sales_cycle_days_won == D(20)  # (30+10+20)/3 and (30+10)/2
    assert ann.accounts_with_won_deals == 2 and ann.arpa == D(8_000)
    assert ann.profit_margin == D(2_000) / D(6_000) and ann.avg_profit_per_deal == D(2_000)  # only Globex has a cost
    assert ann.value_win_rate == D(16_000) / D(25_000)
    assert (bo.won, bo.lost, bo.open, bo.win_rate, bo.profit_margin) == (
        1,
        0,
        1,
        D(1),
        None,
    )  # Hooli open; Umbrella is Q4
    totals = result.totals
    assert (totals.won, totals.lost, totals.won_revenue) == (3, 1, D(18_000))
    assert totals.accounts_with_won_deals == 2 and totals.arpa == D(9_000)  # Acme counted once across reps
    assert totals.sales_cycle_days == D(65) / D(4)


def test_grouping_by_team_and_workspace(sessions: sessionmaker[Session], company: int) -> None:
    everything = all_time()
    teams = report(sessions, company, everything, GroupBy.TEAM)
    assert [(row.label, row.won, row.won_revenue) for row in teams.rows] == [
        ("East", 2, D(16_000)),
        ("West", 2, D(26_000)),
    ]
    whole = report(sessions, company, everything, GroupBy.WORKSPACE)
    assert [(row.label, row.won) for row in whole.rows] == [("Local", 4)]
    assert whole.rows[0].win_rate == whole.totals.win_rate == D(4) / D(5)


def test_no_data_is_none_never_zero(sessions: sessionmaker[Session], company: int) -> None:
    empty = report(sessions, company, date_range(date(2025, 1, 1), date(2025, 1, 31)), GroupBy.REP)
    assert empty.rows == ()
    totals = empty.totals
    assert (totals.win_rate, totals.avg_deal_size, totals.sales_cycle_days, totals.arpa) == (None, None, None, None)
    assert totals.churn_rate is None  # nobody was a customer on 1 January 2025


def test_churn_counts_customers_who_left_of_those_at_the_start(sessions: sessionmaker[Session], company: int) -> None:
    q3 = report(sessions, company, period_containing("quarter", date(2026, 8, 1)), GroupBy.WORKSPACE)
    # At 1 July: Acme, Globex, Initech. Globex churned on 15 August with nothing left; Initech's old
    # subscription churned on 10 July but its new one runs on, so Initech stayed a customer. 1 of 3.
    assert q3.totals.churn_rate == D(1) / D(3)
    assert q3.totals.subscription_arr == D((100 + 80 + 40) * 12)


def test_arr_of_recurring_deals_agrees_with_portfolio_arr(sessions: sessionmaker[Session], company: int) -> None:
    q4 = report(sessions, company, period_containing("quarter", date(2026, 11, 1)), GroupBy.REP)
    umbrella = Contract(D(24_000), 12, date(2026, 10, 10))
    bo = next(row for row in q4.rows if row.label == "Bo Chen")
    assert bo.arr == portfolio_arr([umbrella], NOW.date()) == D(24_000)
    assert [row.label for row in q4.rows] == ["Bo Chen"]  # Ann did nothing in Q4: no row
    q3 = report(sessions, company, period_containing("quarter", date(2026, 8, 1)), GroupBy.REP)
    assert next(row for row in q3.rows if row.label == "Ann Lee").arr is None  # no recurring contract: no data
    assert report(sessions, company, period_containing("quarter", date(2026, 9, 1)), GroupBy.REP).totals.arr is None


def test_one_rep_only(sessions: sessionmaker[Session], company: int) -> None:
    with sessions.begin() as session:
        full = reports.kpi_report(
            session, workspace_id=company, period=all_time(), group_by=GroupBy.REP, as_of=NOW.date()
        )
        bo_id = next(iter(full.rows[1:]))  # noqa: F841 - the id is read from the database below
        from sqlalchemy import select

        from metrics.models import Rep

        rep_id = session.scalars(select(Rep.id).where(Rep.display_name == "Bo Chen")).one()
        only = reports.kpi_report(
            session, workspace_id=company, period=all_time(), group_by=GroupBy.REP, as_of=NOW.date(), rep_id=rep_id
        )
    assert [row.label for row in only.rows] == ["Bo Chen"] and only.totals == full.totals
