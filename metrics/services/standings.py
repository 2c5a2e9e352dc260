"""Standings: a team's board for a window, ranked fairly — by % of each rep's own target — by default."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from metrics import team_queries
from metrics.calendar import WorkCalendar
from metrics.errors import NotAllowed, UsageError
from metrics.models import Team, Workspace
from metrics.pace import target_for_window
from metrics.periods import Period, PeriodKind, local_date, period_containing, zone
from metrics.queries import managers_only_metrics, metric_catalog
from metrics.records import MetricSpec, RepContext, Role
from metrics.score_records import MetricLine, RepNumbers, StandingRow, Standings
from metrics.services import access, calendars, teams
from metrics.services.numbers import rep_numbers

SCORE, POINTS = "score", "points"
HIDDEN_NAME = "a teammate"


def standings(
    session: Session,
    *,
    asker: RepContext,
    now: datetime,
    ranked_by: str = SCORE,
    window: PeriodKind = PeriodKind.WEEK,
    team_name: str | None = None,
    public: bool = False,
) -> Standings:
    """The board of the asker's team (or a named one, for its manager or an admin; everyone when there are no
    teams), ranked by activity score, points, or one metric's attainment.

    `public` is for a channel post: hidden reps are anonymous to everyone, and manager-only metrics refused.

    Raises:
        UsageError: an unknown metric or team. NotAllowed: a manager-only metric for a rep, or another team.
    """
    team = _team(session, asker, team_name)
    workspace = session.get_one(Workspace, asker.workspace_id)
    metric = _metric(session, asker, ranked_by, public)
    sees_names = not public and (
        asker.role is Role.ADMIN or (team is not None and team.id in access.managed_team_ids(session, asker))
    )
    # A manager-only metric stays off the team line too, where a teammate could subtract their own numbers.
    hidden = managers_only_metrics(session, asker.workspace_id) if public or not sees_names else set()
    return board(
        session,
        workspace=workspace,
        team=team,
        window=window,
        now=now,
        ranked_by=ranked_by,
        metric=metric,
        viewer_id=asker.rep_id,
        sees_names=sees_names,
        hidden=hidden,
    )


def channel_board(
    session: Session, *, workspace: Workspace, team: Team, now: datetime, window: PeriodKind | Period
) -> Standings:
    """A team's board as its channel sees it: by score, hidden reps anonymous, manager-only metrics left out."""
    hidden = managers_only_metrics(session, workspace.id)
    return board(session, workspace=workspace, team=team, window=window, now=now, hidden=hidden)


def board(
    session: Session,
    *,
    workspace: Workspace,
    team: Team | None,
    window: PeriodKind | Period,
    now: datetime,
    ranked_by: str = SCORE,
    metric: MetricSpec | None = None,
    viewer_id: int = 0,
    sees_names: bool = False,
    hidden: set[str] | frozenset[str] = frozenset(),
) -> Standings:
    """The board of a team (None: everyone) for a window kind (the one holding today in the workspace's zone)
    or an explicit window, as seen by `viewer_id`."""
    reps = team_queries.reps(session, workspace.id, team_id=team.id if team else None)
    calendar = calendars.calendar_of_workspace(workspace)
    period = (
        window
        if isinstance(window, Period)
        else period_containing(window, local_date(now, zone(calendar.timezone)), week_start=workspace.week_start)
    )
    numbers = rep_numbers(
        session, workspace_id=workspace.id, reps=reps, window=period, now=now, week_start=workspace.week_start
    )
    rows = _ranked(_sellers(reps, numbers), ranked_by, metric, viewer_id, sees_names)
    return Standings(
        title=team.name if team else (workspace.name or "Everyone"),
        window=period,
        ranked_by=ranked_by,
        metric=metric,
        rows=tuple(rows),
        team_lines=_team_lines(session, workspace, team, period, calendar, numbers, set(hidden)) if team else (),
        channel_id=team.channel_id if team else None,
    )


def _sellers(reps: list[team_queries.RepRow], numbers: dict[int, RepNumbers]) -> list[RepNumbers]:
    """Reps, and managers or admins only when they carry numbers of their own (a player-coach), so a manager
    who only manages is not listed last on their own team's board.
    """
    roles = {rep.rep_id: rep.role for rep in reps}

    def carries_numbers(entry: RepNumbers) -> bool:
        return entry.score is not None or entry.points != 0 or any(line.actual for line in entry.goals)

    return [entry for entry in numbers.values() if roles.get(entry.rep_id) == Role.REP.value or carries_numbers(entry)]


def _team(session: Session, asker: RepContext, team_name: str | None) -> Team | None:
    if team_name:
        team = teams.find_team(session, asker.workspace_id, team_name)
        if team is None:
            raise UsageError(f"There is no team called {team_name}.")
        if team.id != asker.team_id and team.id not in access.managed_team_ids(session, asker):
            raise NotAllowed("You can see your own team's standings; another team's are for its manager.")
        return team
    if asker.team_id is not None:
        return session.get_one(Team, asker.team_id)
    managed = access.managed_team_ids(session, asker) if asker.role is Role.MANAGER else set()
    if len(managed) == 1:
        return session.get_one(Team, next(iter(managed)))
    if asker.role is Role.ADMIN or not teams.teams(session, asker.workspace_id):
        return None  # everyone: an admin's view, or a workspace that has no teams
    if managed:
        names = ", ".join(sorted(session.get_one(Team, team_id).name for team_id in managed))
        raise UsageError(f"You manage {names}: name one, e.g. `/standings team {names.split(', ')[0]}`.")
    raise UsageError(
        "You're not in a team yet, so there is no board for you. An admin adds you: `/tally team add @you`."
    )


def _metric(session: Session, asker: RepContext, ranked_by: str, public: bool) -> MetricSpec | None:
    if ranked_by in (SCORE, POINTS):
        return None
    for _, spec in metric_catalog(session, asker.workspace_id):
        if spec.key == ranked_by:
            if spec.key in managers_only_metrics(session, asker.workspace_id) and (public or asker.role is Role.REP):
                raise NotAllowed(f"Others' {spec.label} are shown to managers and admins only.")
            return spec
    raise UsageError(f"I can't rank by “{ranked_by}”; try score, points or a metric such as meetings.")


def _ranked(
    numbers: list[RepNumbers], ranked_by: str, metric: MetricSpec | None, viewer: int, sees_names: bool
) -> list[StandingRow]:
    def line(entry: RepNumbers) -> MetricLine | None:
        return next((each for each in (*entry.lines, *entry.goals) if metric and each.metric.key == metric.key), None)

    def value(entry: RepNumbers) -> Decimal | None:
        if ranked_by == SCORE:
            return entry.score
        if ranked_by == POINTS:
            return entry.points
        found = line(entry)
        return None if found is None else found.attainment

    def fallback(entry: RepNumbers) -> Decimal:
        found = line(entry)
        return entry.points if metric is None else (found.actual if found else Decimal(0))

    ordered = sorted(numbers, key=lambda e: (value(e) is None, -(value(e) or 0), -fallback(e), e.name.lower()))
    rows = []
    position = 0
    for entry in ordered:
        position += value(entry) is not None
        found = line(entry)
        rows.append(
            StandingRow(
                position=position if value(entry) is not None else None,
                label=HIDDEN_NAME if entry.hidden and entry.rep_id != viewer and not sees_names else entry.name,
                value=value(entry),
                actual=found.actual if found else None,
                target=found.target if found else None,
                points=entry.points,
                is_viewer=entry.rep_id == viewer,
            )
        )
    return rows


def _team_lines(
    session: Session,
    workspace: Workspace,
    team: Team,
    period: Period,
    calendar: WorkCalendar,
    numbers: dict[int, RepNumbers],
    hide: set[str],
) -> tuple[MetricLine, ...]:
    """The team's own targets (each over the days it was in force) against the sum of its people's actuals."""
    catalog = dict(metric_catalog(session, workspace.id))
    amounts: dict[int, Decimal] = {}
    for target in team_queries.targets_during(session, workspace.id, period, team_ids=[team.id]):
        days = target.within(period)
        if days is not None and catalog[target.metric_id].key not in hide:
            share = target_for_window(
                target.amount, target.period_kind, days, calendar, week_start=workspace.week_start
            )
            amounts[target.metric_id] = amounts.get(target.metric_id, Decimal(0)) + share
    lines = []
    for metric_id, amount in amounts.items():
        spec = catalog[metric_id]
        actual = sum((_actual(entry, spec.key) for entry in numbers.values()), Decimal(0))
        attainment = actual / amount if amount else None
        lines.append(MetricLine(metric=spec, actual=actual, target=amount or None, attainment=attainment))
    return tuple(lines)


def _actual(entry: RepNumbers, key: str) -> Decimal:
    """A person's actual for the team line: revenue and deals from their deals (present whether or not they
    have a target of their own), activity from their lines."""
    if key == "revenue":
        return entry.deals.won_revenue
    if key == "deals":
        return Decimal(entry.deals.won)
    return next((line.actual for line in entry.lines if line.metric.key == key), Decimal(0))


def top(standings: Standings, limit: int) -> Sequence[StandingRow]:
    """The first `limit` rows, and the viewer's row if it falls below them."""
    shown = list(standings.rows[:limit])
    mine = next((row for row in standings.rows[limit:] if row.is_viewer), None)
    return [*shown, mine] if mine else shown
