"""Part 2: `/standings` for a month and the App Home card at scale, against one hand-written SQL aggregate that
returns the same numbers on the same database; and how both grow as the ledger grows tenfold."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bench.backends import Backend
from bench.company import NOW, TEAM_ID, Company, generate
from bench.results import Result, Run, median_time
from bot.slack.blocks.home import build_home_view
from bot.slack.blocks.standings import build_standings_message
from metrics import db
from metrics.periods import PeriodKind, local_date, period_containing, zone
from metrics.records import Platform, RepContext, WorkspaceDefaults
from metrics.services import dashboard, identity, standings

PART = "2 scale"
STANDINGS_GOAL, GROWTH_GOAL = 1.3, 2.0

# Points per rep over a window: the number each board row shows, summed by the database alone.
POINTS_SQL = """
SELECT e.rep_id, SUM(e.quantity * m.points_per_unit)
FROM entry e JOIN metric_def m ON m.id = e.metric_id
WHERE e.workspace_id = :workspace AND m.kind = 'leading' AND e.local_day >= :start AND e.local_day < :end
GROUP BY e.rep_id
"""
TEAM_POINTS_SQL = """
SELECT e.rep_id, SUM(e.quantity * m.points_per_unit)
FROM entry e JOIN metric_def m ON m.id = e.metric_id JOIN rep r ON r.id = e.rep_id
WHERE e.workspace_id = :workspace AND r.team_id = :team AND m.kind = 'leading'
  AND e.local_day >= :start AND e.local_day < :end
GROUP BY e.rep_id
"""


@dataclass(frozen=True, slots=True)
class Timing:
    """One database's times: the service and its floor, for the board and the card."""

    rows: int
    standings: float
    standings_floor: float
    card: float
    card_floor: float


def run_scale(run: Run, backends: list[Backend], *, reps: int, sizes: list[int], repeat: int) -> None:
    """Generate a company per size on each backend and time the board and the card against their floors."""
    for backend in backends:
        timings = []
        for size in sizes:
            company = generate(backend.fresh(f"scale-{size}"), reps=reps, entry_rows=size)
            timings.append(measure(company, repeat))
            _report(run, backend.name, timings[-1])
        for smaller, larger in itertools.pairwise(timings):
            _growth(run, backend.name, smaller, larger)


def measure(company: Company, repeat: int) -> Timing:
    """Time both screens and both floors; check each screen shows exactly the floor's numbers."""
    engine = db.make_engine(company.url)
    sessions = db.make_sessionmaker(engine)
    try:
        admin, rep = _context(sessions, company.admin_user), _context(sessions, company.rep_user)
        month = period_containing(PeriodKind.MONTH, local_date(NOW, zone(rep.timezone)))
        week = period_containing(PeriodKind.WEEK, local_date(NOW, zone(rep.timezone)), week_start=rep.week_start)
        board_args = {"workspace": admin.workspace_id, "start": month.start, "end": month.end}
        card_args = {"workspace": rep.workspace_id, "team": rep.team_id, "start": week.start, "end": week.end}
        _check(_standings(sessions, admin), _points(sessions, POINTS_SQL, board_args), "standings")
        _check(_dashboard(sessions, rep), _points(sessions, TEAM_POINTS_SQL, card_args), "home card")
        return Timing(
            rows=company.entries,
            standings=median_time(lambda: _standings(sessions, admin), repeat),
            standings_floor=median_time(lambda: _points(sessions, POINTS_SQL, board_args), repeat),
            card=median_time(lambda: _dashboard(sessions, rep), repeat),
            card_floor=median_time(lambda: _points(sessions, TEAM_POINTS_SQL, card_args), repeat),
        )
    finally:
        engine.dispose()


def _context(sessions: sessionmaker[Session], user: str) -> RepContext:
    with sessions.begin() as session:
        return identity.register_rep(
            session,
            platform=Platform.SLACK,
            workspace_external_id=TEAM_ID,
            user_external_id=user,
            display_name=user,
            timezone=None,
            defaults=WorkspaceDefaults(),
            now=NOW,
        )


def _standings(sessions: sessionmaker[Session], admin: RepContext) -> dict[str, Decimal]:
    """What `/standings points month` computes and renders for an admin (everyone in the company)."""
    with sessions.begin() as session:
        board = standings.standings(session, asker=admin, now=NOW, ranked_by="points", window=PeriodKind.MONTH)
    build_standings_message(board)
    return {row.label: row.points for row in board.rows}


def _dashboard(sessions: sessionmaker[Session], rep: RepContext) -> dict[str, Decimal]:
    """What opening the Home tab computes and renders: the rep's week and their team's board."""
    with sessions.begin() as session:
        home = dashboard.dashboard(session, asker=rep, now=NOW)
    build_home_view(home, NOW)
    assert home.board is not None
    return {row.label: row.points for row in home.board.rows}


def _points(sessions: sessionmaker[Session], sql: str, args: dict[str, Any]) -> dict[int, Decimal]:
    with sessions.begin() as session:
        return {rep_id: Decimal(total) for rep_id, total in session.execute(text(sql), args)}


def _check(shown: dict[str, Decimal], floor: dict[int, Decimal], screen: str) -> None:
    """The screen's points per rep must be the floor's (same database, same window): else the race is unfair."""
    if sorted(v for v in shown.values() if v) != sorted(v for v in floor.values() if v):
        raise AssertionError(f"{screen}: Tally's points differ from the hand-written SQL's")


def _report(run: Run, backend: str, timing: Timing) -> None:
    size = f"{timing.rows / 1e6:g}M rows" if timing.rows >= 1e6 else f"{timing.rows // 1000}k rows"
    run.add(Result(PART, f"/standings month, everyone · {backend} · {size}", timing.standings_floor,
                   timing.standings, STANDINGS_GOAL))  # fmt: skip
    run.add(Result(PART, f"App Home card · {backend} · {size}", timing.card_floor, timing.card, STANDINGS_GOAL))


def _growth(run: Run, backend: str, smaller: Timing, larger: Timing) -> None:
    growth = f"{larger.rows / smaller.rows:.0f}× rows ({smaller.rows:,} → {larger.rows:,})"
    pick: dict[str, Callable[[Timing], float]] = {"/standings": lambda t: t.standings, "Home card": lambda t: t.card}
    for name, value in pick.items():
        run.add(Result(PART, f"{name} growth · {backend} · {growth}", value(smaller), value(larger), GROWTH_GOAL))
