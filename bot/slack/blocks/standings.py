"""Standings: the team's board, ranked fairly, as a message (ephemeral or posted) and on the Home tab."""

from __future__ import annotations

from decimal import Decimal

from bot import format as fmt
from bot.slack.blocks.kit import Block, Message, context, escape, header, message, section
from bot.slack.blocks.scorecard import WINDOW_NAMES, window_text
from metrics.score_records import MetricLine, StandingRow, Standings

PAGE = 20  # rows per section; a board of 200 reps stays within Slack's 50 blocks per message
MEDALS = {1: ":first_place_medal:", 2: ":second_place_medal:", 3: ":third_place_medal:"}


def build_standings_blocks(board: Standings, *, limit: int | None = None) -> list[Block]:
    """The board: header, how it is ranked, team targets, then rows (all, or the first `limit` and the viewer)."""
    name = WINDOW_NAMES.get(board.window.kind, board.window.label)
    blocks: list[Block] = [
        header(f"Standings · {board.title} · {name}"),
        context(f"{window_text(board.window)} · ranked by {ranked_by_text(board)}"),
    ]
    if board.team_lines:
        blocks.append(section("*Team targets*\n" + "\n".join(team_line(line) for line in board.team_lines)))
    rows = list(board.rows if limit is None else _top(board, limit))
    if not rows:
        blocks.append(section("No one on this board yet."))
    for start in range(0, len(rows), PAGE):
        blocks.append(section("\n".join(row_text(row, board) for row in rows[start : start + PAGE])))
    if limit is not None and len(board.rows) > len(rows):
        blocks.append(context(f"{len(board.rows) - len(rows)} more · `/standings` shows everyone"))
    return blocks


def build_standings_message(board: Standings) -> Message:
    """The reply to /standings (or the post to the team channel)."""
    leaders = ", ".join(f"{row.position}. {row.label}" for row in board.rows[:3] if row.position)
    window = WINDOW_NAMES.get(board.window.kind, board.window.label)
    text = f"Standings for {board.title}, {window}: {leaders or 'no ranking yet'}"
    return message(escape(text), build_standings_blocks(board))


def ranked_by_text(board: Standings) -> str:
    """What the ranking means."""
    if board.ranked_by == "score":
        return "activity score (% of each rep's own targets, weighted; fair to part-time and ramping reps)"
    if board.ranked_by == "points":
        return "points"
    label = board.metric.label if board.metric else board.ranked_by
    return f"{label}, % of each rep's own target"


def row_text(row: StandingRow, board: Standings) -> str:
    """`:first_place_medal: *Alice* — score 104 · 310 pts`"""
    place = MEDALS.get(row.position or 0, f"{row.position}." if row.position else "–")
    name = f"*{escape(row.label)}*" + (" (you)" if row.is_viewer else "")
    if board.ranked_by == "score":
        value = "no targets" if row.value is None else f"score {row.value.quantize(Decimal(1))}"
    elif board.ranked_by == "points":
        value = fmt.points(row.value or Decimal(0))
    elif row.value is None:
        value = f"{fmt.quantity(row.actual or 0)} (no target)"
    else:
        target = fmt.target(row.target or Decimal(0))
        value = f"{fmt.quantity(row.actual or 0)} of {target} ({fmt.percent(row.value)})"
    return f"{place} {name} — {value} · {fmt.points(row.points)}"


def team_line(line: MetricLine) -> str:
    """A team target and where the team stands against it."""
    money = line.metric.key == "revenue"
    actual = fmt.money(line.actual) if money else fmt.quantity(line.actual)
    target = fmt.whole_money(line.target or Decimal(0)) if money else fmt.target(line.target or Decimal(0))
    return f"*{line.metric.label.capitalize()}* — {actual} of {target} ({fmt.percent(line.attainment)})"


def _top(board: Standings, limit: int) -> list[StandingRow]:
    shown = list(board.rows[:limit])
    mine = next((row for row in board.rows[limit:] if row.is_viewer), None)
    return [*shown, mine] if mine else shown
