"""Standings wording: what the ranking means, a row's value, a team target's line, the fallback text."""

from __future__ import annotations

from decimal import Decimal

from bot import format as fmt
from bot.lines.scorecard import window_name
from metrics.score_records import MetricLine, StandingRow, Standings


def ranked_by_text(board: Standings) -> str:
    """What the ranking means."""
    if board.ranked_by == "score":
        return "activity score (% of each rep's own targets, weighted; fair to part-time and ramping reps)"
    if board.ranked_by == "points":
        return "points"
    label = board.metric.label if board.metric else board.ranked_by
    return f"{label}, % of each rep's own target"


def place(row: StandingRow) -> str:
    """ "4." for a ranked row, "–" for one without a place (no targets)."""
    return f"{row.position}." if row.position else "–"


def row_value(row: StandingRow, board: Standings) -> str:
    """ "score 104 · 310 pts" — what a row shows after the rep's name."""
    if board.ranked_by == "score":
        value = "no targets" if row.value is None else f"score {row.value.quantize(Decimal(1))}"
    elif board.ranked_by == "points":
        value = fmt.points(row.value or Decimal(0))
    elif row.value is None:
        value = f"{fmt.quantity(row.actual or 0)} (no target)"
    else:
        target = fmt.target(row.target or Decimal(0))
        value = f"{fmt.quantity(row.actual or 0)} of {target} ({fmt.percent(row.value)})"
    return f"{value} · {fmt.points(row.points)}"


def team_detail(line: MetricLine) -> str:
    """Where the team stands against a team target, after the metric's name."""
    money = line.metric.key == "revenue"
    actual = fmt.money(line.actual) if money else fmt.quantity(line.actual)
    target = fmt.whole_money(line.target or Decimal(0)) if money else fmt.target(line.target or Decimal(0))
    return f"{actual} of {target} ({fmt.percent(line.attainment)})"


def top(board: Standings, limit: int) -> list[StandingRow]:
    """The first `limit` rows, and the viewer's row after them if it is further down."""
    shown = list(board.rows[:limit])
    mine = next((row for row in board.rows[limit:] if row.is_viewer), None)
    return [*shown, mine] if mine else shown


def standings_text(board: Standings) -> str:
    """The plain-text fallback: the board's title, window and top three."""
    leaders = ", ".join(f"{row.position}. {row.label}" for row in board.rows[:3] if row.position)
    return f"Standings for {board.title}, {window_name(board.window)}: {leaders or 'no ranking yet'}"
