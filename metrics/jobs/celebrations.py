"""Celebrations in the team's channel: a deal won, a target hit (day, week, month), a personal best, a streak of
5, 10 or 20 working days. Planned in the same transaction as the log that earned them, each exactly once: the
dedupe key names the rep, the thing and its period, so logging, undoing and logging again plans nothing new.
A celebration earned in the quiet hours waits for the morning.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from metrics import outbox, team_queries, wording
from metrics.deal_records import DealSummary
from metrics.models import Entry, Team, Workspace
from metrics.notify import Message, Section
from metrics.outbox import Planned
from metrics.periods import Period, PeriodKind, period_containing, zone
from metrics.queries import metric_catalog
from metrics.records import RepContext
from metrics.schedule import ScheduleSettings
from metrics.services import calendars
from metrics.services.numbers import rep_numbers
from metrics.services.scorecards import streak_of
from metrics.services.standings import HIDDEN_NAME

KIND = "celebration"
STREAK_MILESTONES = (5, 10, 20)
BEST_AFTER_DAYS = 10  # a "personal best" needs this many earlier days of that metric to beat
BEST_LOOKBACK = timedelta(days=365)
WINDOWS = ((PeriodKind.DAY, "today's"), (PeriodKind.WEEK, "this week's"), (PeriodKind.MONTH, "this month's"))


def after_activity(session: Session, rep: RepContext, day: date, now: datetime) -> int:
    """Plan what a log of `day` earned: targets hit, a personal best, a streak milestone. Returns how many new."""
    place = _channel(session, rep)
    if place is None:
        return 0
    team, workspace = place
    me = team_queries.reps(session, rep.workspace_id, rep_ids=[rep.rep_id])[0]
    who = HIDDEN_NAME.capitalize() if me.hidden else rep.display_name
    wanted: list[tuple[str, str, str]] = []  # (key, title, detail)
    for kind, which in WINDOWS:
        window = period_containing(kind, day, week_start=workspace.week_start)
        numbers = rep_numbers(
            session, workspace_id=rep.workspace_id, reps=[me], window=window, now=now, week_start=workspace.week_start
        )[rep.rep_id]
        for line in numbers.lines:
            if line.target and line.actual >= line.target:
                target = wording.target(line.target)
                wanted.append(
                    (
                        f"celebrate:target:{rep.rep_id}:{line.metric.key}:{_label(window)}",
                        f"🎯 {who} hit {which} {line.metric.label} target",
                        f"{wording.quantity(line.actual)} of {target} {line.metric.label}.",
                    )
                )
    wanted.extend(_personal_bests(session, rep, who, day))
    wanted.extend(_streak(session, rep, me, who, day))
    return _plan(session, rep, team, workspace, wanted, now)


def after_win(session: Session, rep: RepContext, deal: DealSummary, now: datetime) -> int:
    """Plan the celebration of a deal won (amount left out if the workspace hides amounts)."""
    place = _channel(session, rep)
    if place is None:
        return 0
    team, workspace = place
    hidden = team_queries.reps(session, rep.workspace_id, rep_ids=[rep.rep_id])[0].hidden
    who = HIDDEN_NAME.capitalize() if hidden else rep.display_name
    amount = (
        ""
        if ScheduleSettings.from_settings(workspace.settings).hide_amounts or deal.amount is None
        else (f" — {wording.money(deal.amount)}")
    )
    title = f"🏆 {who} won {deal.account or 'a deal'}{amount}"
    return _plan(session, rep, team, workspace, [(f"celebrate:deal:{deal.deal_id}", title, "Congratulations!")], now)


def _channel(session: Session, rep: RepContext) -> tuple[Team, Workspace] | None:
    if rep.team_id is None:
        return None
    team = session.get(Team, rep.team_id)
    if team is None or not team.channel_id:
        return None
    workspace = session.get_one(Workspace, rep.workspace_id)
    return None if workspace.uninstalled_at is not None else (team, workspace)


def _label(window: Period) -> str:
    return f"{window.kind.value}:{window.start.isoformat()}"


def _personal_bests(session: Session, rep: RepContext, who: str, day: date) -> list[tuple[str, str, str]]:
    """Metrics whose total on `day` beats every earlier day of the last year (given enough earlier days)."""
    daily = (
        select(Entry.metric_id, Entry.local_day, func.sum(Entry.quantity).label("total"))
        .where(
            Entry.workspace_id == rep.workspace_id,
            Entry.rep_id == rep.rep_id,
            Entry.local_day >= day - BEST_LOOKBACK,
            Entry.local_day <= day,
        )
        .group_by(Entry.metric_id, Entry.local_day)
    ).subquery()
    labels = {spec.key: spec for spec in rep.metrics}
    keys = {metric_id: key for key, metric_id in _metric_ids(session, rep).items()}
    found = []
    rows = session.execute(select(daily.c.metric_id, daily.c.local_day, daily.c.total)).all()
    for metric_id in {row.metric_id for row in rows if row.local_day == day}:
        today = next(int(row.total) for row in rows if row.metric_id == metric_id and row.local_day == day)
        earlier = [int(row.total) for row in rows if row.metric_id == metric_id and row.local_day < day and row.total]
        spec = labels.get(keys.get(metric_id, ""))
        if spec and len(earlier) >= BEST_AFTER_DAYS and today > max(earlier):
            found.append(
                (
                    f"celebrate:best:{rep.rep_id}:{spec.key}:{day.isoformat()}",
                    f"🚀 {who} set a personal best",
                    f"{spec.count_label(today)} in a day (the best before was {max(earlier):,}).",
                )
            )
    return found


def _metric_ids(session: Session, rep: RepContext) -> dict[str, int]:
    return {spec.key: metric_id for metric_id, spec in metric_catalog(session, rep.workspace_id)}


def _streak(
    session: Session, rep: RepContext, me: team_queries.RepRow, who: str, day: date
) -> list[tuple[str, str, str]]:
    calendar = calendars.calendars(session, rep.workspace_id, [rep.rep_id])[rep.rep_id]
    streak = streak_of(session, rep.workspace_id, me, calendar, day)
    if streak not in STREAK_MILESTONES:
        return []
    return [
        (
            f"celebrate:streak:{rep.rep_id}:{streak}:{day.isoformat()}",
            f"🔥 {who}: {streak} working days in a row on target",
            "Every daily target met, day after day.",
        )
    ]


def _plan(
    session: Session,
    rep: RepContext,
    team: Team,
    workspace: Workspace,
    wanted: list[tuple[str, str, str]],
    now: datetime,
) -> int:
    if not wanted:
        return 0
    due = ScheduleSettings.from_settings(workspace.settings).after_quiet_hours(now, zone(workspace.timezone))
    report = outbox.plan(
        session,
        [
            Planned(
                workspace_id=rep.workspace_id,
                kind=KIND,
                key=key,
                due_at=due,
                channel_id=team.channel_id,
                expires_at=due + timedelta(days=1),
                message=Message(kind=KIND, title=title, text=f"{title}. {detail}", sections=(Section((detail,)),)),
            )
            for key, title, detail in wanted
        ],
        now,
    )
    return report.planned
