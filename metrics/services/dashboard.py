"""The App Home dashboard: the rep's week, their team's board, and (for managers) the whole team, paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from metrics.errors import UsageError
from metrics.records import RepContext, Role
from metrics.score_records import Scorecard, Standings
from metrics.services import access, scorecards, standings

BOARD_PAGE = 25  # rows of the team board per page: 50+ reps stay well inside a Home tab's 100 blocks


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the Home tab shows."""

    card: Scorecard
    board: Standings | None  # None: the rep is in no team of a workspace that has teams
    page: int
    pages: int
    manager: bool


def dashboard(session: Session, *, asker: RepContext, now: datetime, page: int = 0) -> Dashboard:
    """The rep's card for this week and one page of the team board (a rep sees the top and themselves)."""
    card = scorecards.scorecard(session, asker=asker, now=now)
    try:
        board: Standings | None = standings.standings(session, asker=asker, now=now)
    except UsageError:  # no team of their own (or several to manage): the card alone
        board = None
    manager = asker.role is Role.ADMIN or (
        asker.team_id is not None and asker.team_id in access.managed_team_ids(session, asker)
    )
    pages = max(1, -(-len(board.rows) // BOARD_PAGE)) if board else 1
    page = min(max(page, 0), pages - 1)
    return Dashboard(card=card, board=board, page=page, pages=pages, manager=manager)
