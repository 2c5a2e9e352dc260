"""The daily standings post: at the workspace's standings time on its working days, each team with a channel
gets its progress to target, the fair ranking (% of each rep's own targets), who moved, and who hit what today.

One post per team per local day (`standings:<team>:<date>`); reps who opted out appear as "a teammate".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from metrics import outbox, team_queries, wording
from metrics.calendar import is_working_day
from metrics.jobs.people import teams_with_channels
from metrics.models import Team, Workspace
from metrics.notify import Message, Section
from metrics.outbox import Planned, PlanReport
from metrics.periods import Period, PeriodKind, date_range, day_period, period_containing, zone
from metrics.schedule import ScheduleSettings, at_local
from metrics.score_records import MetricLine, RepNumbers, StandingRow, Standings, ranks
from metrics.services import calendars, standings
from metrics.services.numbers import rep_numbers

KIND = "standings"
HIDDEN_NAME = standings.HIDDEN_NAME
SHOWN = 15  # ranking lines in a post; the rest are counted


def key(team_id: int, day: date) -> str:
    """One post per team per local day."""
    return f"standings:{team_id}:{day.isoformat()}"


def plan_standings_posts(session: Session, now: datetime) -> PlanReport:
    """Plan today's post for every team whose standings time has come on a working day."""
    due: list[tuple[Team, Workspace, date]] = []
    for team, workspace in teams_with_channels(session):
        today = now.astimezone(zone(workspace.timezone)).date()
        if _due(workspace, today, now):
            due.append((team, workspace, today))
    known = outbox.existing_keys(session, {w.id for _, w, _ in due}, [key(t.id, d) for t, _, d in due])
    wanted = [
        Planned(
            workspace_id=workspace.id,
            kind=KIND,
            key=key(team.id, today),
            message=post(session, team, workspace, today, now),
            due_at=now,
            channel_id=team.channel_id,
            expires_at=at_local(today + timedelta(days=1), time(0), zone(workspace.timezone)),
        )
        for team, workspace, today in due
        if key(team.id, today) not in known
    ]
    return outbox.plan(session, wanted, now)


def _due(workspace: Workspace, today: date, now: datetime) -> bool:
    schedule = ScheduleSettings.from_settings(workspace.settings)
    where = zone(workspace.timezone)
    start = at_local(today, schedule.standings_time, where)
    return start <= now < at_local(today + timedelta(days=1), time(0), where) and is_working_day(
        calendars.calendar_of_workspace(workspace), today
    )


def post(session: Session, team: Team, workspace: Workspace, today: date, now: datetime) -> Message:
    """The post: team targets, the ranking, movers since yesterday, and today's hits."""
    week = period_containing(PeriodKind.WEEK, today, week_start=workspace.week_start)
    board = standings.channel_board(session, workspace=workspace, team=team, now=now, window=week)
    reps = team_queries.reps(session, workspace.id, team_id=team.id)
    names = {rep.rep_id: HIDDEN_NAME if rep.hidden else rep.name for rep in reps}
    sections = [
        Section(tuple(_team_line(line) for line in board.team_lines), heading="Team targets this week"),
        Section(_ranking(board), heading="This week, by % of each rep's own targets"),
        Section(_movers(session, workspace, reps, week, today, now, names), heading="On the move since yesterday"),
        Section(_hits(session, workspace, reps, day_period(today), now, names), heading="Hit today"),
    ]
    top = ", ".join(f"{row.position}. {row.label}" for row in board.rows[:3] if row.position)
    return Message(
        kind=KIND,
        title=f"{team.name} — standings, {wording.day(today)}",
        text=f"{team.name} standings for {wording.day(today)}" + (f": {top}" if top else ""),
        sections=tuple(section for section in sections if section.lines),
        note="Ranked fairly: each rep against their own targets. Opted-out reps show as “a teammate”.",
    )


def _team_line(line: MetricLine) -> str:
    money = line.metric.key == "revenue"
    actual = wording.money(line.actual) if money else wording.quantity(line.actual)
    target = wording.whole_money(line.target or Decimal(0)) if money else wording.target(line.target or Decimal(0))
    return f"{line.metric.label.capitalize()} — {actual} of {target} ({wording.percent(line.attainment)})"


def _ranking(board: Standings) -> tuple[str, ...]:
    lines = [_row(row) for row in board.rows[:SHOWN]]
    if len(board.rows) > SHOWN:
        lines.append(f"…and {len(board.rows) - SHOWN} more")
    return tuple(lines)


def _row(row: StandingRow) -> str:
    place = f"{row.position}." if row.position else "–"
    score = "no targets" if row.value is None else f"score {row.value.quantize(Decimal(1))}"
    return f"{place} {row.label} — {score} · {wording.points(row.points)}"


def _movers(
    session: Session,
    workspace: Workspace,
    reps: list[team_queries.RepRow],
    week: Period,
    today: date,
    now: datetime,
    names: dict[int, str],
) -> tuple[str, ...]:
    """Who gained or lost places on the week's ranking since the end of yesterday."""
    if today <= week.start:
        return ()
    before = _numbers(session, workspace, reps, date_range(week.start, today - timedelta(days=1)), now)
    after = _numbers(session, workspace, reps, date_range(week.start, today), now)
    then, now_places = ranks(list(before.values())), ranks(list(after.values()))
    moves = sorted(
        ((then[r] - place, r) for r, place in now_places.items() if r in then and then[r] != place), reverse=True
    )
    return tuple(
        f"{names[r]} {'up' if moved > 0 else 'down'} {abs(moved)} to #{now_places[r]}" for moved, r in moves[:5]
    )


def _hits(
    session: Session,
    workspace: Workspace,
    reps: list[team_queries.RepRow],
    day: Period,
    now: datetime,
    names: dict[int, str],
) -> tuple[str, ...]:
    """Who met which of today's targets."""
    hits = []
    for rep_id, numbers in _numbers(session, workspace, reps, day, now).items():
        met = [line.metric.label for line in numbers.lines if line.target and line.actual >= line.target]
        if met:
            hits.append(f"{names[rep_id]}: {wording.join_words(met)}")
    return tuple(hits[:SHOWN])


def _numbers(
    session: Session, workspace: Workspace, reps: list[team_queries.RepRow], window: Period, now: datetime
) -> dict[int, RepNumbers]:
    return rep_numbers(
        session, workspace_id=workspace.id, reps=reps, window=window, now=now, week_start=workspace.week_start
    )
