"""The weekly digest and coaching note, on the workspace's digest day and time (Friday 15:00 by default).

To the team's channel: the week's standings and two charts — progress to target per rep, and the team's daily
trend. To the team's manager, a DM: where each rep loses most against the team median, who has been behind for
two weeks running, a mentor to pair each struggling rep with (the teammate strongest at that stage), and — only
after a pattern, never one bad day — who has logged nothing on 3 or more of the last 5 working days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics import outbox, team_queries, wording
from metrics.calendar import is_working_day, working_days
from metrics.jobs.people import teams_with_channels
from metrics.models import Rep, Team, Workspace
from metrics.notify import Chart, Message, Section, Series
from metrics.outbox import Planned, PlanReport
from metrics.periods import Period, PeriodKind, period_containing, zone
from metrics.queries import metric_catalog
from metrics.schedule import ScheduleSettings, at_local
from metrics.score_records import Standings
from metrics.services import calendars, standings
from metrics.services.funnel import counts_by_rep, median_of, rates_of, weakest_stage
from metrics.services.numbers import rep_numbers
from metrics.team_queries import RepRow

PATTERN_DAYS, PATTERN_MISSED = 5, 3
TREND_METRICS = ("dials", "conversations", "meetings")


def plan_digests(session: Session, now: datetime) -> PlanReport:
    """Plan this week's digest and coaching note for every team whose digest time has come."""
    due = []
    for team, workspace in teams_with_channels(session):
        where = zone(workspace.timezone)
        today = now.astimezone(where).date()
        schedule = ScheduleSettings.from_settings(workspace.settings)
        start = at_local(today, schedule.digest_time, where)
        if today == digest_day(workspace, today, schedule) and start <= now < start + timedelta(hours=12):
            due.append((team, workspace, today))
    keys = [k for team, workspace, today in due for k in _keys(team, _week_of(workspace, today))]
    known = outbox.existing_keys(session, {workspace.id for _, workspace, _ in due}, keys)
    wanted: list[Planned] = []
    for team, workspace, today in due:
        week = _week_of(workspace, today)
        digest_key, coaching_key = _keys(team, week)
        expires = now + timedelta(hours=12)
        if digest_key not in known:
            wanted.append(
                Planned(
                    workspace.id,
                    "digest",
                    digest_key,
                    digest(session, team, workspace, week, now),
                    due_at=now,
                    channel_id=team.channel_id,
                    expires_at=expires,
                )
            )
        if coaching_key not in known and team.manager_rep_id is not None:
            wanted.append(
                Planned(
                    workspace.id,
                    "coaching",
                    coaching_key,
                    coaching(session, team, workspace, week, now),
                    due_at=now,
                    rep_id=team.manager_rep_id,
                    expires_at=expires,
                )
            )
    return outbox.plan(session, wanted, now)


def digest_day(workspace: Workspace, today: date, schedule: ScheduleSettings) -> date | None:
    """The day of this week the digest goes out: the digest weekday, or — if that is a holiday or not worked —
    the last working day before it in the same week (a Friday holiday moves it to Thursday)."""
    week = _week_of(workspace, today)
    calendar = calendars.calendar_of_workspace(workspace)
    day = week.start + timedelta(days=(schedule.digest_day - week.start.weekday()) % 7)
    while day >= week.start:
        if is_working_day(calendar, day):
            return day
        day -= timedelta(days=1)
    return None


def _week_of(workspace: Workspace, today: date) -> Period:
    return period_containing(PeriodKind.WEEK, today, week_start=workspace.week_start)


def _keys(team: Team, week: Period) -> tuple[str, str]:
    return f"digest:{team.id}:{week.start.isoformat()}", f"coaching:{team.id}:{week.start.isoformat()}"


def digest(session: Session, team: Team, workspace: Workspace, week: Period, now: datetime) -> Message:
    """The channel's weekly digest: standings, and charts of progress per rep and of the team's days."""
    board = standings.channel_board(session, workspace=workspace, team=team, now=now, window=week)
    ranking = tuple(
        (f"{row.position}. " if row.position else "– ")
        + f"{row.label} — "
        + ("no targets" if row.value is None else f"score {row.value.quantize(Decimal(1))}")
        for row in board.rows[:15]
    )
    return Message(
        kind="digest",
        title=f"{team.name} — the week of {wording.day(week.start)}",
        text=f"{team.name}'s week: " + ", ".join(ranking[:3]),
        sections=(Section(ranking, heading="Standings, by % of each rep's own targets"),),
        charts=tuple(c for c in (_progress_chart(board), _trend_chart(session, workspace, team, week)) if c),
        note="Opted-out reps show as “a teammate”.",
    )


def _progress_chart(board: Standings) -> Chart | None:
    scored = [row for row in board.rows if row.value is not None][:30]
    if not scored:
        return None
    labels, seen = [], 0
    for row in scored:  # anonymous reps stay anonymous, but each gets a bar of their own
        seen += row.label == standings.HIDDEN_NAME
        labels.append(f"{row.label} ({seen})" if row.label == standings.HIDDEN_NAME else row.label)
    values = tuple(float(row.value or 0) for row in scored)
    return Chart("Progress to target this week (%)", "bars", tuple(labels), (Series("% of target", values),), 100.0)


def _trend_chart(session: Session, workspace: Workspace, team: Team, week: Period) -> Chart | None:
    reps = team_queries.reps(session, workspace.id, team_id=team.id)
    metrics = {spec.key: metric_id for metric_id, spec in metric_catalog(session, workspace.id)}
    wanted = [key for key in TREND_METRICS if key in metrics]
    days = [week.start + timedelta(days=n) for n in range(week.length_days)]
    totals = team_queries.day_quantities_by_rep(
        session, workspace.id, [r.rep_id for r in reps], week.start, week.end, [metrics[k] for k in wanted]
    )
    series = []
    for key in wanted:
        values = tuple(float(sum(q.get(metrics[key], 0) for (_, d), q in totals.items() if d == day)) for day in days)
        if any(values):
            series.append(Series(key, values))
    if not series:
        return None
    return Chart("The team's days", "lines", tuple(f"{day:%a}" for day in days), tuple(series))


def coaching(session: Session, team: Team, workspace: Workspace, week: Period, now: datetime) -> Message:
    """The manager's note: funnel diagnosis, two weeks behind, mentors, and patterns of missed days."""
    reps = [r for r in team_queries.reps(session, workspace.id, team_id=team.id) if r.rep_id != team.manager_rep_id]
    ids = [r.rep_id for r in reps]
    as_of = min(week.last_day, now.astimezone(zone(workspace.timezone)).date())
    counts = counts_by_rep(session, workspace.id, ids, week, as_of)
    rates = {r: rates_of(counts.get(r, {})) for r in ids}
    medians = {label: median_of([rates[r][label] for r in ids]) for label in next(iter(rates.values()), {})}
    names = {r.rep_id: r.name for r in reps}
    diagnosis, mentors = [], []
    for rep in reps:
        stage = weakest_stage(rates[rep.rep_id], medians)
        if stage is None:
            continue
        diagnosis.append(
            f"{rep.name}: loses most at {stage} ({wording.percent(rates[rep.rep_id][stage])} against "
            f"a median of {wording.percent(medians[stage])})"
        )
        best = max(
            (r for r in ids if r != rep.rep_id and rates[r][stage] is not None),
            key=lambda r: rates[r][stage] or Decimal(0),
            default=None,
        )
        if best is not None and (rates[best][stage] or 0) > (medians[stage] or 0):
            mentors.append(
                f"Pair {rep.name} with {names[best]} on {stage} ({names[best]}: {wording.percent(rates[best][stage])})"
            )
    sections = (
        Section(
            tuple(diagnosis) or ("Everyone is at or above the team median at every stage.",),
            heading="Where each rep loses most",
        ),
        Section(_behind_twice(session, workspace, reps, week, now), heading="Behind target two weeks running"),
        Section(tuple(mentors), heading="Mentors"),
        Section(_patterns(session, workspace, reps, as_of), heading="Worth a word"),
    )
    return Message(
        kind="coaching",
        title=f"Coaching notes — {team.name}, week of {wording.day(week.start)}",
        text=f"Your coaching notes for {team.name}: " + ("; ".join(diagnosis[:3]) or "no stage below the median"),
        sections=tuple(section for section in sections if section.lines),
        note="Patterns only: one bad day is never flagged.",
    )


def _behind_twice(
    session: Session, workspace: Workspace, reps: list[RepRow], week: Period, now: datetime
) -> tuple[str, ...]:
    last = Period(PeriodKind.WEEK, week.start - timedelta(days=7), week.start)
    scores = [
        rep_numbers(
            session, workspace_id=workspace.id, reps=reps, window=window, now=now, week_start=workspace.week_start
        )
        for window in (week, last)
    ]
    return tuple(
        f"{rep.name}: score {this.score.quantize(Decimal(1))} this week, {before.score.quantize(Decimal(1))} last"
        for rep in reps
        if (this := scores[0][rep.rep_id]).score is not None
        and (before := scores[1][rep.rep_id]).score is not None
        and this.score < 100
        and before.score < 100
    )


def _patterns(session: Session, workspace: Workspace, reps: list[RepRow], today: date) -> tuple[str, ...]:
    """Reps who logged nothing on PATTERN_MISSED or more of their last PATTERN_DAYS working days."""
    cal = calendars.calendars(session, workspace.id, [r.rep_id for r in reps])
    start = today - timedelta(days=31)
    logged = team_queries.day_quantities_by_rep(
        session,
        workspace.id,
        [r.rep_id for r in reps],
        start,
        today + timedelta(days=1),
        [metric_id for metric_id, _ in metric_catalog(session, workspace.id)],
    )
    joined = dict(session.execute(select(Rep.id, Rep.created_at).where(Rep.id.in_([r.rep_id for r in reps]))).all())
    flagged = []
    for rep in reps:
        first = max(start, joined[rep.rep_id].astimezone(zone(cal[rep.rep_id].timezone)).date())
        recent = working_days(cal[rep.rep_id], first, today + timedelta(days=1))[-PATTERN_DAYS:]  # since they joined
        missed = [day for day in recent if not any(logged.get((rep.rep_id, day), {}).values())]
        if len(recent) == PATTERN_DAYS and len(missed) >= PATTERN_MISSED:
            flagged.append(f"{rep.name}: nothing logged on {len(missed)} of the last {PATTERN_DAYS} working days")
    return tuple(flagged)
