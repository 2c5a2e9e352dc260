"""Every rep's numbers for one window, for many reps at once: what standings, scorecards and the Home tab show.

Six queries however many reps: the catalog, the reps' calendars (two), window totals, targets, deals by rep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from metrics import kpis, queries, report_queries, team_queries
from metrics.calendar import WorkCalendar, is_working_day, share_of_day_passed
from metrics.catalog import LAGGING
from metrics.deal_records import DealTotals, GroupBy
from metrics.pace import Ramp, next_step, pace, target_for_window
from metrics.periods import Period, PeriodKind, day_period, local_date, zone
from metrics.records import MetricSpec
from metrics.score_records import MetricLine, RepNumbers
from metrics.services import calendars
from metrics.services.reports import kpi_row
from metrics.team_queries import RepRow, TargetRow

REVENUE, DEALS = "revenue", "deals"


@dataclass(frozen=True, slots=True)
class _Context:
    window: Period
    now: datetime
    week_start: int
    catalog: list[tuple[int, MetricSpec]]
    calendars: dict[int, WorkCalendar]
    quantities: dict[tuple[int, int], int]
    targets: dict[int, list[TargetRow]]
    deals: dict[int, DealTotals]


def rep_numbers(
    session: Session, *, workspace_id: int, reps: Sequence[RepRow], window: Period, now: datetime, week_start: int
) -> dict[int, RepNumbers]:
    """Each rep's lines (leading metrics with activity or a target), goals (revenue and deals), score and points."""
    if not reps:
        return {}
    ids = [rep.rep_id for rep in reps]
    targets: dict[int, list[TargetRow]] = {}
    for target in team_queries.targets_during(session, workspace_id, window, rep_ids=ids):
        targets.setdefault(target.rep_id or 0, []).append(target)
    # Open deals are counted as of the window's last day, or today if the window is still running.
    as_of = min(window.last_day, max(window.start, now.date()))
    deals = report_queries.deal_totals(session, workspace_id, window, GroupBy.REP, as_of, rep_ids=ids)
    context = _Context(
        window=window,
        now=now,
        week_start=week_start,
        catalog=queries.metric_catalog(session, workspace_id),
        calendars=calendars.calendars(session, workspace_id, ids),
        quantities=team_queries.window_quantities(session, workspace_id, ids, window),
        targets=targets,
        deals={group.rep_id: totals for group, totals in deals.items() if group.rep_id},
    )
    return {rep.rep_id: _numbers(rep, context) for rep in reps}


def _numbers(rep: RepRow, context: _Context) -> RepNumbers:
    calendar = context.calendars[rep.rep_id]
    ramp = Ramp(rep.ramp_percent, rep.ramp_until) if rep.ramp_percent and rep.ramp_until else None
    deals = context.deals.get(rep.rep_id, DealTotals())
    lines: list[MetricLine] = []
    goals: list[MetricLine] = []
    for metric_id, spec in context.catalog:
        actual = _actual(spec, metric_id, rep.rep_id, context, deals)
        mine = [t for t in context.targets.get(rep.rep_id, []) if t.metric_id == metric_id]
        own = [t for t in mine if not t.stretch]
        target = _window_target(own, context, calendar, ramp)
        stretch = _window_target([t for t in mine if t.stretch], context, calendar, None)
        # Revenue and deals won show as goals only against a target; the deals line of a card covers the rest.
        if not (target or stretch) and (spec.kind == LAGGING or not actual):
            continue
        line = MetricLine(
            metric=spec,
            actual=actual,
            target=target,
            stretch=stretch,
            attainment=None if target is None else kpis.attainment(actual, target),
            pace=None if target is None else pace(actual, target, _elapsed(own, target, context, calendar, ramp)),
            points=kpis.activity_points({spec.key: int(actual)}, {spec.key: spec.points})
            if spec.kind != LAGGING
            else Decimal(0),
        )
        (goals if spec.kind == LAGGING else lines).append(line)
    # A metric's score weight is its points; one worth no points (talk minutes) weighs 1 once it has a target,
    # or its target would count for nothing.
    components = [
        (line.metric.key, line.actual, line.target, line.metric.points or Decimal(1)) for line in lines if line.target
    ]
    score = kpis.activity_score(kpis.ScoreComponent(a, t, w) for _, a, t, w in components)
    return RepNumbers(
        rep_id=rep.rep_id,
        name=rep.name,
        hidden=rep.hidden,
        lines=tuple(lines),
        goals=tuple(goals),
        score=score,
        points=sum((line.points for line in lines), Decimal(0)),
        deals=kpi_row(rep.name, deals),
        next_step=next_step(components),
    )


def _actual(spec: MetricSpec, metric_id: int, rep_id: int, context: _Context, deals: DealTotals) -> Decimal:
    if spec.key == REVENUE:
        return deals.won_revenue
    if spec.key == DEALS:
        return Decimal(deals.won)
    return Decimal(context.quantities.get((rep_id, metric_id), 0))


def _elapsed(
    targets: list[TargetRow], total: Decimal, context: _Context, calendar: WorkCalendar, ramp: Ramp | None
) -> Decimal | None:
    """The share of the window's target that should be done by now: the target over the days gone, plus today's
    part by the hours gone. Uniform targets make this the share of working time passed; a target changed
    mid-window, or a ramp, weighs each day by what it asked for that day."""
    window, today = context.window, local_date(context.now, zone(calendar.timezone))
    if today < window.start:
        return Decimal(0)
    if today >= window.end:
        return Decimal(1)
    before = Period(PeriodKind.RANGE, window.start, today)
    done = _sum_over(targets, before, context, calendar, ramp) if today > window.start else Decimal(0)
    share_today = share_of_day_passed(calendar, today, context.now) if is_working_day(calendar, today) else 0
    done += _sum_over(targets, day_period(today), context, calendar, ramp) * Decimal(share_today)
    return min(Decimal(1), done / total)


def _sum_over(
    targets: list[TargetRow], window: Period, context: _Context, calendar: WorkCalendar, ramp: Ramp | None
) -> Decimal:
    total = Decimal(0)
    for t in targets:
        days = t.within(window)
        if days is not None:
            total += target_for_window(
                t.amount, t.period_kind, days, calendar, week_start=context.week_start, ramp=ramp
            )
    return total


def _window_target(
    targets: list[TargetRow], context: _Context, calendar: WorkCalendar, ramp: Ramp | None
) -> Decimal | None:
    """The sum of the targets' shares of the window, each over the days it was in force (a rep may have a daily
    and a monthly target of one metric, or a target changed mid-week)."""
    if not targets:
        return None
    total = _sum_over(targets, context.window, context, calendar, ramp)
    # Targets are above zero, so a zero share means no working day in the window (a holiday, a week of PTO):
    # nothing is expected, and what is logged anyway is a bonus, not "5 of 0".
    return total or None
