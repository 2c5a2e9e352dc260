"""Scorecards: what a rep has done today and this week, in their own time zone."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from metrics import kpis, queries, report_queries
from metrics.catalog import LEADING
from metrics.deal_records import DealTotals
from metrics.periods import PeriodKind, local_date, month_period, week_period, zone
from metrics.records import MetricSpec, RepContext, Scorecard, ScorecardLine
from metrics.services.reports import kpi_row


def scorecard(session: Session, *, rep: RepContext, now: datetime) -> Scorecard:
    """Return the rep's card for today and the current week (the workspace's week start), as of `now`, with
    their deals of the month so far (the goals side).

    A line appears for every metric with activity this week or a target in force today; quantities are net of
    undos. Progress is quota attainment (actual ÷ target, uncapped) where the rep has a target of that period.
    """
    today = local_date(now, zone(rep.timezone))
    week = week_period(today, rep.week_start)
    quantities = queries.day_and_window_quantities(session, rep.workspace_id, rep.rep_id, today, week)
    kinds = (PeriodKind.DAY.value, PeriodKind.WEEK.value)
    targets = queries.rep_targets(session, rep.workspace_id, rep.rep_id, kinds, today)
    lines = [
        line
        for metric_id, spec in queries.metric_catalog(session, rep.workspace_id)
        if spec.kind == LEADING
        and (line := _line(spec, quantities.get(metric_id, (0, 0)), targets, metric_id)) is not None
    ]
    month = month_period(today)
    deals = report_queries.deal_totals(session, rep.workspace_id, month, None, today, owner_rep_id=rep.rep_id)
    return Scorecard(
        rep_name=rep.display_name,
        timezone=rep.timezone,
        today=today,
        week_start=week.start,
        week_end=week.last_day,
        lines=tuple(lines),
        goals=kpi_row(month.label, deals.get(report_queries.Group("everyone"), DealTotals())),
        goals_label=f"{today:%B} so far",
    )


def _line(
    spec: MetricSpec, quantities: tuple[int, int], targets: dict[tuple[int, str], Decimal], metric_id: int
) -> ScorecardLine | None:
    """A metric's line, or None when it has neither activity this week nor a target."""
    on_day, in_week = quantities
    day_target = targets.get((metric_id, PeriodKind.DAY.value))
    week_target = targets.get((metric_id, PeriodKind.WEEK.value))
    if not (on_day or in_week or day_target or week_target):
        return None
    weights = {spec.key: spec.points}
    return ScorecardLine(
        metric=spec,
        today=on_day,
        week=in_week,
        points_today=kpis.activity_points({spec.key: on_day}, weights),
        points_week=kpis.activity_points({spec.key: in_week}, weights),
        target_today=day_target,
        target_week=week_target,
        progress_today=None if day_target is None else kpis.attainment(on_day, day_target),
        progress_week=None if week_target is None else kpis.attainment(in_week, week_target),
    )
