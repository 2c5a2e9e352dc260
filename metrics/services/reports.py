"""KPI reports: the eight KPIs of the article per rep, team or workspace, over any period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from metrics import kpis, report_queries
from metrics.deal_records import DealTotals, GroupBy, KpiReport, KpiRow
from metrics.models import Workspace
from metrics.periods import Period, PeriodKind
from metrics.report_queries import Group


def kpi_report(
    session: Session,
    *,
    workspace_id: int,
    period: Period,
    group_by: GroupBy,
    as_of: date,
    rep_id: int | None = None,
) -> KpiReport:
    """The KPIs of `period` per group, plus totals over everyone, from three set-based queries.

    Deals count in the period they closed in; "open" counts deals open at the period's end; ARR is of recurring
    contracts running on the period's last day (or `as_of`, if earlier); churn (subscriptions) is for the
    workspace only. Groups with nothing in the period get no row. With `rep_id`, only that rep's row is kept
    (the totals still cover everyone).
    """
    last_day = min(period.last_day, as_of)
    groups = report_queries.deal_totals(session, workspace_id, period, group_by, last_day)
    if group_by is GroupBy.WORKSPACE:
        workspace = session.get_one(Workspace, workspace_id)
        groups = {Group(workspace.name or workspace.external_id): totals for totals in groups.values()}
    everyone = report_queries.deal_totals(session, workspace_id, period, None, last_day)
    rows = tuple(
        kpi_row(group.label, totals)
        for group, totals in sorted(groups.items(), key=lambda item: item[0].label.lower())
        if (rep_id is None or group.rep_id == rep_id) and (totals.won or totals.lost or totals.open or totals.arr)
    )
    return KpiReport(
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        group_by=group_by,
        rows=rows,
        totals=_totals_row(session, workspace_id, period, everyone.get(Group("everyone"), DealTotals()), last_day),
    )


def kpi_row(label: str, totals: DealTotals) -> KpiRow:
    """Turn deal sums into the KPIs, each by its function in `metrics.kpis`."""
    costed = totals.costed_deals > 0
    return KpiRow(
        label=label,
        won=totals.won,
        lost=totals.lost,
        open=totals.open,
        won_revenue=totals.won_revenue,
        win_rate=kpis.win_rate(totals.won, totals.lost),
        value_win_rate=kpis.value_win_rate(totals.won_revenue, totals.lost_value) if totals.won + totals.lost else None,
        avg_deal_size=kpis.average_deal_size(totals.won_revenue, totals.won),
        sales_cycle_days=kpis.sales_cycle_days(total_days=totals.cycle_days_closed, deals=totals.cycles_closed),
        sales_cycle_days_won=kpis.sales_cycle_days(total_days=totals.cycle_days_won, deals=totals.cycles_won),
        accounts_with_won_deals=totals.accounts_with_won_deals,
        arpa=kpis.arpa(totals.won_revenue, totals.accounts_with_won_deals),
        profit_margin=kpis.profit_margin(totals.costed_revenue, totals.costed_cost) if costed else None,
        avg_profit_per_deal=kpis.average_profit_per_deal(
            totals.costed_revenue, totals.costed_cost, totals.costed_deals
        ),
        arr=totals.arr,
    )


def _totals_row(session: Session, workspace_id: int, period: Period, totals: DealTotals, as_of: date) -> KpiRow:
    """Everyone's row, with the workspace-wide subscription figures: churn and subscription ARR."""
    customers, churned, subscription_arr = report_queries.subscription_figures(session, workspace_id, period, as_of)
    # Churn needs a start (customers active when the period began), which "all time" does not have.
    churn = None if period.kind is PeriodKind.ALL else kpis.churn_rate(churned, customers)
    return replace(
        kpi_row("everyone", totals), churn_rate=churn, subscription_arr=subscription_arr if subscription_arr else None
    )
