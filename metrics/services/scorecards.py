"""Scorecards: a rep's window (today, week, month, quarter) against prorated targets, with pace, the activity
score, rank in the team, streak and the cheapest next step — one set of queries for the whole team."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from metrics import kpis, team_queries
from metrics.calendar import WorkCalendar, is_working_day, working_days
from metrics.catalog import LEADING
from metrics.pace import Ramp, target_for_window
from metrics.periods import PeriodKind, date_range, day_period, local_date, period_containing, zone
from metrics.queries import metric_catalog
from metrics.records import RepContext
from metrics.score_records import Rank, RepNumbers, Scorecard, ranks
from metrics.services import access, calendars
from metrics.services.numbers import rep_numbers
from metrics.team_queries import RepRow

STREAK_LOOKBACK_DAYS = 90


def scorecard(
    session: Session,
    *,
    asker: RepContext,
    now: datetime,
    rep_id: int | None = None,
    window: PeriodKind = PeriodKind.WEEK,
) -> Scorecard:
    """The card of the asker, or of a rep they may see (their manager, an admin), for the window holding today.

    Raises:
        NotAllowed / UnknownRep: the asker may not see that rep, or they are not in this workspace.
    """
    rep = access.require_view_rep(session, asker, rep_id or asker.rep_id, "scorecard")
    team = team_queries.reps(session, asker.workspace_id, team_id=rep.team_id) if rep.team_id else []
    me = (
        next((row for row in team if row.rep_id == rep.id), None)
        or team_queries.reps(session, asker.workspace_id, rep_ids=[rep.id])[0]
    )
    calendar = calendars.calendars(session, asker.workspace_id, [rep.id])[rep.id]
    today = local_date(now, zone(calendar.timezone))
    period = period_containing(window, today, week_start=asker.week_start)
    numbers = rep_numbers(
        session, workspace_id=asker.workspace_id, reps=team or [me], window=period, now=now, week_start=asker.week_start
    )
    mine = numbers[rep.id]
    today_numbers = (
        numbers
        if window is PeriodKind.DAY
        else rep_numbers(
            session,
            workspace_id=asker.workspace_id,
            reps=[me],
            window=day_period(today),
            now=now,
            week_start=asker.week_start,
        )
    )
    return Scorecard(
        rep_name=rep.display_name,
        timezone=calendar.timezone,
        today=today,
        window=period,
        numbers=mine,
        today_totals=tuple(line for line in today_numbers[rep.id].lines if line.actual),
        rank=_rank(numbers, rep.id) if team else None,
        streak=streak_of(session, asker.workspace_id, me, calendar, today),
        working_day=is_working_day(calendar, today),
    )


def _rank(numbers: dict[int, RepNumbers], rep_id: int) -> Rank | None:
    places = ranks(list(numbers.values()))  # the standings' order exactly, so a card and the board agree
    return Rank(position=places[rep_id], of=len(places)) if rep_id in places else None


def streak_of(session: Session, workspace_id: int, rep: RepRow, calendar: WorkCalendar, today: date) -> int:
    """Consecutive working days, back from today, on which the rep met every daily activity target in force
    that day (a day with none ends the streak).

    Today counts once it is met; until then the streak runs to yesterday (a day in progress breaks nothing).
    """
    start = today - timedelta(days=STREAK_LOOKBACK_DAYS)
    leading = {metric_id for metric_id, spec in metric_catalog(session, workspace_id) if spec.kind == LEADING}
    targets = [
        t
        for t in team_queries.targets_during(session, workspace_id, date_range(start, today), rep_ids=[rep.rep_id])
        if t.period_kind == PeriodKind.DAY.value and not t.stretch and t.rep_id == rep.rep_id and t.metric_id in leading
    ]
    if not targets:
        return 0
    quantities = team_queries.day_quantities_by_rep(
        session, workspace_id, [rep.rep_id], start, today + timedelta(days=1), list({t.metric_id for t in targets})
    )
    ramp = Ramp(rep.ramp_percent, rep.ramp_until) if rep.ramp_percent and rep.ramp_until else None
    days = working_days(calendar, start, today + timedelta(days=1))

    def met_on(day: date) -> bool:
        due = [t for t in targets if t.in_force_on(day)]
        done = quantities.get((rep.rep_id, day), {})
        return bool(due) and all(
            done.get(t.metric_id, 0)
            >= target_for_window(t.amount, PeriodKind.DAY, day_period(day), calendar, ramp=ramp)
            for t in due
        )

    met = {day for day in days if met_on(day)}
    counted = days if today in met else [day for day in days if day < today]
    return kpis.streak(met, counted)
